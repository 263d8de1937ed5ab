using System.Globalization;
using System.Text.Json;

namespace RiskMonitor.Load;

/// <summary>One throughput run of a sweep, read back from its report.</summary>
public sealed record SweepPoint(
    int OfferedRate,
    double AchievedRate,
    bool ZeroLoss,
    long Loss,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double DrainSeconds,
    double CpuSecondsPer1000Readings,
    long PeakRssBytes)
{
    /// <summary>
    /// Sustainable: nothing lost, the generator got its offered rate out (back-pressure would lower it), and no
    /// unbounded backlog (issue 5: p99 under a second at the highest zero-loss rate).
    /// </summary>
    public bool Sustained(double maxP99Ms) =>
        ZeroLoss && P99Ms < maxP99Ms && (OfferedRate == 0 || AchievedRate >= 0.95 * OfferedRate);

    public static SweepPoint From(JsonElement report)
    {
        var latency = report.GetProperty("latency");
        return new SweepPoint(
            report.GetProperty("offeredRate").GetInt32(),
            report.GetProperty("achievedRate").GetDouble(),
            report.GetProperty("zeroLoss").GetBoolean(),
            report.GetProperty("loss").GetInt64(),
            Number(latency, "p50Ms"),
            Number(latency, "p99Ms"),
            Number(latency, "maxMs"),
            report.GetProperty("drainSeconds").GetDouble(),
            report.GetProperty("cpuSecondsPer1000Readings").GetDouble(),
            report.GetProperty("peakRssBytes").GetInt64());
    }

    // NaN (no alert in the steady state) is written as the string "NaN" (AllowNamedFloatingPointLiterals).
    private static double Number(JsonElement parent, string name) =>
        parent.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : double.NaN;
}

/// <summary>
/// The plan of a sweep, kept pure so it is testable: given the runs so far, the next offered rate or none. Doubles
/// from the start rate until a run is not sustained (or the cap is reached), then bisects between the highest
/// sustained rate and the lowest failed one a fixed number of times.
/// </summary>
public sealed class SweepPlan(int startRate, int maxRate, int bisections, double maxP99Ms, IReadOnlyList<int>? fixedRates = null)
{
    private const int Granularity = 500; // readings/s: finer than that is below the machine's run-to-run noise

    public int? Next(IReadOnlyList<SweepPoint> done)
    {
        if (fixedRates is { Count: > 0 })
        {
            return done.Count < fixedRates.Count ? fixedRates[done.Count] : null;
        }

        if (done.Count == 0)
        {
            return startRate;
        }

        var good = done.Where(p => p.Sustained(maxP99Ms)).Select(p => p.OfferedRate).DefaultIfEmpty(0).Max();
        var failed = done.Where(p => !p.Sustained(maxP99Ms) && p.OfferedRate > good).Select(p => p.OfferedRate).ToList();
        if (failed.Count == 0)
        {
            return good >= maxRate ? null : Math.Min(maxRate, good * 2);
        }

        var bad = failed.Min();
        var mid = (good + bad) / 2 / Granularity * Granularity;
        return mid <= good || mid >= bad || BisectionsDone(done) >= bisections ? null : mid;
    }

    /// <summary>Runs after the first failure: every one of them was a bisection step.</summary>
    private int BisectionsDone(IReadOnlyList<SweepPoint> done)
    {
        var firstFailure = -1;
        for (var i = 0; i < done.Count; i++)
        {
            if (!done[i].Sustained(maxP99Ms))
            {
                firstFailure = i;
                break;
            }
        }

        return firstFailure < 0 ? 0 : done.Count - firstFailure - 1;
    }

    public int HighestSustained(IReadOnlyList<SweepPoint> done) =>
        done.Where(p => p.Sustained(maxP99Ms)).Select(p => p.OfferedRate).DefaultIfEmpty(0).Max();
}

/// <summary>Runs a sweep and the broker baseline, and writes the table and the latency-vs-rate plot.</summary>
public static class LoadSweep
{
    public const double MaxP99Ms = 1000;

    public static async Task<object> SweepAsync(LoadOptions options, CancellationToken ct)
    {
        var plan = new SweepPlan(Math.Max(Granular(options.Rate), 500), options.MaxRate, options.SweepBisections, MaxP99Ms, options.Rates);
        var points = new List<SweepPoint>();
        var reports = new List<JsonElement>();
        while (plan.Next(points) is { } rate)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sweep: run {points.Count + 1} at {rate}/s"));
            var report = JsonSerializer.SerializeToElement(await LoadRuns.ThroughputAsync(options with { Rate = rate, Mode = "run" }, ct), LoadRuns.Json);
            reports.Add(report);
            points.Add(SweepPoint.From(report));
            Console.Error.WriteLine(report.GetRawText());
        }

        // The machine's own MQTT limit, measured in the same run with the same publishers (unpaced).
        Console.Error.WriteLine("sweep: broker baseline");
        var baseline = JsonSerializer.SerializeToElement(
            await LoadRuns.BrokerBaselineAsync(options with { Rate = 0, Mode = "broker", Seconds = Math.Min(options.Seconds, 15) }, ct), LoadRuns.Json);
        var baselineRate = baseline.GetProperty("deliveredRate").GetDouble();
        var highest = plan.HighestSustained(points);

        Directory.CreateDirectory(options.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var name = $"sweep-{stamp}-qos{options.Qos}-batch{options.Batch}";
        var markdownPath = Path.Combine(options.ResultsDir, name + ".md");
        var plotPath = Path.Combine(options.ResultsDir, name + ".png");
        await File.WriteAllTextAsync(markdownPath, SweepReport.Markdown(options, points, highest, baselineRate, Path.GetFileName(plotPath)), ct);
        SweepReport.Plot(points, baselineRate, plotPath, $"RiskMonitor load sweep, QoS {options.Qos}, batch {options.Batch}, {options.Assets} assets");

        return new
        {
            mode = "sweep",
            label = options.Label,
            at = DateTimeOffset.UtcNow,
            options = new { options.Assets, options.Seconds, options.Qos, options.Batch, options.Connections, options.Window, options.MaxRate, options.SweepBisections },
            highestSustainedRate = highest,
            brokerBaselineRate = baselineRate,
            ratioToBroker = baselineRate > 0 ? Math.Round(highest / baselineRate, 3) : double.NaN,
            points,
            markdown = markdownPath,
            plot = plotPath,
            runs = reports,
            baseline,
        };
    }

    private static int Granular(int rate) => rate / 500 * 500;
}
