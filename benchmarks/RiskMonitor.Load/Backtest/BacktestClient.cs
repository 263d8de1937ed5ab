using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Load.Backtest;

/// <summary>What one backtest job came to, as the server's API reported it, and how long it took from submit to result.</summary>
internal sealed record BacktestOutcome(
    double Seconds, string Status, string? Error, int AssetsDone, long SamplesReplayed, JsonElement? Timings, JsonElement Candidate, JsonElement Live,
    DateTime StartedUtc, DateTime FinishedUtc)
{
    public double ReadingsPerSecond => Math.Round(SamplesReplayed / Math.Max(0.001, Seconds));
}

/// <summary>Runs a backtest the way an operator (or rm-backtest) does: POST the job, poll it until it ends.</summary>
internal sealed class BacktestClient(Uri baseUrl, string adminKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(1) };

    /// <summary>Every gas pipeline (the generated registry's kind) over [from, to), through the live rules as candidate and yardstick.</summary>
    public async Task<BacktestOutcome> RunAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var startedUtc = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        using var submit = new HttpRequestMessage(HttpMethod.Post, "api/rules/backtests")
        {
            Content = JsonContent.Create(new { kind = "gas_pipeline", from, to, author = "load harness" }),
        };
        submit.Headers.Add("X-Admin-Key", adminKey);
        using var submitted = await _http.SendAsync(submit, ct);
        var started = await submitted.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!submitted.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The backtest was refused: HTTP {(int)submitted.StatusCode} {started}");
        }

        var jobId = started.GetProperty("jobId").GetString();
        while (true)
        {
            await Task.Delay(200, ct);
            using var poll = new HttpRequestMessage(HttpMethod.Get, $"api/rules/backtests/{jobId}");
            poll.Headers.Add("X-Admin-Key", adminKey);
            using var answer = await _http.SendAsync(poll, ct);
            answer.EnsureSuccessStatusCode();
            var job = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
            var status = job.GetProperty("status").GetString()!;
            if (status is "queued" or "running")
            {
                continue;
            }

            return new BacktestOutcome(
                Math.Round(clock.Elapsed.TotalSeconds, 2), status, job.GetProperty("error").GetString(), job.GetProperty("assetsDone").GetInt32(),
                job.GetProperty("samplesReplayed").GetInt64(), job.TryGetProperty("timings", out var timings) ? timings.Clone() : null, job.GetProperty("candidate").Clone(),
                job.GetProperty("live").Clone(), startedUtc, DateTime.UtcNow);
        }
    }

    public void Dispose() => _http.Dispose();
}
