using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Unicode;

namespace RiskMonitor.Load.Backtest;

/// <summary>
/// A stored history for backtests: every asset of the generated registry (<see cref="LoadRegistry"/>, gas pipelines)
/// reporting <c>ch4_lel</c> and <c>pressure_kpa</c> every <see cref="Interval"/> for <see cref="Span"/> up to
/// <see cref="End"/>. Quiet noise, and now and then the trouble the shipped pipeline rules look for: every fifth asset a
/// slow leak (1 -> 60 % LEL over 10 min, a minute at the top, a minute back), every seventh a pressure dip to 180 kPa
/// for two minutes. Deterministic per asset, so a loaded database can be reused (<c>--no-load</c>) and two runs replay
/// the same series.
/// </summary>
internal sealed record HistoryPlan(int Assets, TimeSpan Span, TimeSpan Interval, DateTimeOffset End)
{
    /// <summary>The fixed end of the backtest mode's history: a database loaded once serves later runs.</summary>
    public static readonly DateTimeOffset FixedEnd = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Start => End - Span;

    public long ReadingsPerAsset => (long)(Span / Interval);

    public long Readings => Assets * ReadingsPerAsset;
}

internal sealed record HistoryLoad(long Readings, double Seconds, int Requests)
{
    public double ReadingsPerSecond => Math.Round(Readings / Math.Max(0.001, Seconds));
}

internal static class HistoryLoader
{
    /// <summary>Lines per POST: about 6 MB of line protocol, under InfluxDB 1.x's default 25 MB body limit.</summary>
    private const int BatchLines = 80_000;

    /// <summary>Writes the plan's readings with two writers in parallel (InfluxDB takes a write per core best), in time order per asset.</summary>
    public static async Task<HistoryLoad> WriteAsync(Uri influx, string database, HistoryPlan plan, IProgress<long>? progress, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = influx, Timeout = TimeSpan.FromMinutes(5) };
        var clock = Stopwatch.StartNew();
        long written = 0;
        var requests = 0;
        const int Writers = 2;
        void Count(int lines)
        {
            Interlocked.Increment(ref requests);
            var total = Interlocked.Add(ref written, lines); // not inside progress?.Report(..): without a progress it would not run
            progress?.Report(total);
        }

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var body = new ArrayBufferWriter<byte>(8 * 1024 * 1024);
            var lines = 0;
            for (var asset = writer; asset < plan.Assets; asset += Writers)
            {
                var tags = $"asset={LoadRegistry.AssetId(asset)},kind=gas_pipeline,region=d-{asset % 16:D2}";
                foreach (var (ms, ch4, pressure) in Series(asset, plan))
                {
                    Append(body, tags, ms, ch4, pressure);
                    if (++lines == BatchLines)
                    {
                        await PostAsync(http, database, body, ct);
                        Count(lines);
                        lines = 0;
                    }
                }
            }

            if (lines > 0)
            {
                await PostAsync(http, database, body, ct);
                Count(lines);
            }
        }, ct)));
        return new HistoryLoad(written, clock.Elapsed.TotalSeconds, requests);
    }

    /// <summary>One asset's readings, oldest first: (unix ms, ch4_lel % LEL, pressure_kpa).</summary>
    public static IEnumerable<(long Ms, double Ch4, double Pressure)> Series(int asset, HistoryPlan plan)
    {
        var random = new Random(asset);
        var start = plan.Start.ToUnixTimeMilliseconds();
        var step = (long)plan.Interval.TotalMilliseconds;
        var n = plan.ReadingsPerAsset;
        // Where this asset's trouble starts, spread over the range (leak: 12 min long; dip: 2 min).
        var leakAt = asset % 5 == 0 ? (long)(n * (0.1 + (0.8 * ((asset * 7919) % 1000) / 1000.0))) : -1;
        var dipAt = asset % 7 == 0 ? (long)(n * (0.1 + (0.8 * ((asset * 104729) % 1000) / 1000.0))) : -1;
        var perMinute = 60_000.0 / step;
        for (long i = 0; i < n; i++)
        {
            var ch4 = 1.0 + (random.NextDouble() * 0.4);
            if (leakAt >= 0 && i >= leakAt)
            {
                var minutes = (i - leakAt) / perMinute;
                ch4 += minutes switch
                {
                    < 10 => minutes * 5.9,
                    < 11 => 59,
                    < 12 => 59 * (12 - minutes),
                    _ => 0,
                };
            }

            var pressure = 300 + (random.NextDouble() * 6) - 3;
            if (dipAt >= 0 && i >= dipAt && i < dipAt + (2 * perMinute))
            {
                pressure = 180 + random.NextDouble();
            }

            yield return (start + (i * step), Math.Round(ch4, 3), Math.Round(pressure, 2));
        }
    }

    private static void Append(ArrayBufferWriter<byte> body, string tags, long ms, double ch4, double pressure)
    {
        var span = body.GetSpan(160);
        // The live writer's shape (LineProtocol): measurement telemetry, tags asset/kind/region, one field per metric.
        if (!Utf8.TryWrite(span, CultureInfo.InvariantCulture,
                $"telemetry,{tags} ch4_lel={ch4},pressure_kpa={pressure} {ms}\n", out var written))
        {
            throw new InvalidOperationException("A line of history did not fit its buffer.");
        }

        body.Advance(written);
    }

    private static async Task PostAsync(HttpClient http, string database, ArrayBufferWriter<byte> body, CancellationToken ct)
    {
        using var content = new ReadOnlyMemoryContent(body.WrittenMemory);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await http.PostAsync($"write?db={Uri.EscapeDataString(database)}&precision=ms", content, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxDB refused a history batch: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        body.ResetWrittenCount();
    }
}
