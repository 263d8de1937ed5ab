using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RiskMonitor.Simulator.Cli;
using RiskMonitor.Simulator.Hosting;
using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Drills;

/// <summary>
/// Drill mode (<c>--drill SPEC</c>, decision 0049): records an unscripted drill on the server (<c>POST /api/drills</c>),
/// plays the scenarios on the drill channel under its id while the real readings go on as measured, ends the drill after
/// <see cref="SimulatorOptions.DrillLength"/> or when the simulator stops, and fetches and writes the drill report.
/// The simulator still shares no code with the server: it speaks the published REST and MQTT contracts only.
/// </summary>
internal sealed class DrillConductor(
    SimulatorOptions options, ScenarioEngine scenarios, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DrillConductor> logger)
    : IDisposable
{
    private readonly HttpClient _http = Client(options);
    private int _ended;

    public bool Enabled => options.DrillScenarios.Count > 0;

    /// <summary>The server's id of the drill once it is recorded.</summary>
    public string? DrillId { get; private set; }

    /// <summary>The server refused the drill or could not be reached: nothing of it was sent, and the run exits with 1.</summary>
    public bool Failed { get; private set; }

    /// <summary>The report as the server gave it when the drill ended, or null.</summary>
    public JsonElement? Report { get; private set; }

    public async Task<bool> BeginAsync(CancellationToken cancellationToken)
    {
        var title = options.DrillTitle ?? "模拟器演练 Simulator drill: " + string.Join(", ", options.DrillScenarios.Select(Spec));
        try
        {
            // Unscripted and without injects: the simulator itself is the scenario, over MQTT like a device.
            using var created = await _http.PostAsJsonAsync("api/drills", new { title, mode = "unscripted" }, cancellationToken);
            if (!created.IsSuccessStatusCode)
            {
                return Fail((int)created.StatusCode, await created.Content.ReadAsStringAsync(cancellationToken));
            }

            DrillId = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("drillId").GetString();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Fail(0, ex.Message);
        }

        DrillLog.Started(logger, DrillId!, title, _http.BaseAddress!);
        var now = time.GetUtcNow();
        foreach (var request in options.DrillScenarios)
        {
            var outcome = scenarios.Start(request with { DrillId = DrillId }, now);
            if (outcome.Started is { } started)
            {
                SimulatorLog.ScenarioStarted(logger, started.RunId, started.Description);
            }
            else
            {
                SimulatorLog.ScenarioRefused(logger, request.Name, outcome.Message);
            }
        }

        return true;
    }

    /// <summary>Ends the drill when its length has passed (people had that long to answer), unless the simulator stops first.</summary>
    public async Task HoldAsync(CancellationToken stoppingToken)
    {
        if (DrillId is null)
        {
            return;
        }

        try
        {
            await Task.Delay(options.DrillLength, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopping: StopAsync ends the drill after the scenarios' closing messages
        }

        await EndAsync(stoppingToken);
    }

    /// <summary>Ends the drill once (its still-open alerts are closed by the server) and fetches its report.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        if (DrillId is null || Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }

        try
        {
            using var ended = await _http.PostAsJsonAsync($"api/drills/{Uri.EscapeDataString(DrillId)}/end", new { }, cancellationToken);
            if (!ended.IsSuccessStatusCode)
            {
                DrillLog.EndRefused(logger, DrillId, (int)ended.StatusCode, await ended.Content.ReadAsStringAsync(cancellationToken));
                return;
            }

            var closed = (await ended.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("closedAlerts").GetInt32();
            DrillLog.Ended(logger, DrillId, closed);
            var report = await _http.GetFromJsonAsync<JsonElement>($"api/drills/{Uri.EscapeDataString(DrillId)}/report", cancellationToken);
            Report = report;
            foreach (var line in DrillReportText.Lines(report))
            {
                DrillLog.ReportLine(logger, DrillId, line);
            }

            if (options.DrillReportPath is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Indented), cancellationToken);
                DrillLog.ReportWritten(logger, DrillId, Path.GetFullPath(path));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException or TaskCanceledException or KeyNotFoundException or InvalidOperationException)
        {
            DrillLog.EndFailed(logger, ex, DrillId);
        }
    }

    public void Dispose() => _http.Dispose();

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private bool Fail(int status, string detail)
    {
        Failed = true;
        DrillLog.Refused(logger, _http.BaseAddress!, status, detail);
        lifetime.StopApplication();
        return false;
    }

    private static string Spec(ScenarioRequest request) =>
        request.Name + (request.Target is { } target ? ":" + target : request.Count is { } count ? ":" + count.ToString(CultureInfo.InvariantCulture) : "");

    private static HttpClient Client(SimulatorOptions options)
    {
        var http = new HttpClient { BaseAddress = options.EffectiveApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (options.Token is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
