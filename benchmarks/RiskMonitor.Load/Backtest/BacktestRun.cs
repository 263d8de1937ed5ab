using System.Diagnostics;
using System.Globalization;
using RiskMonitor.Load.Deployed;

namespace RiskMonitor.Load.Backtest;

/// <summary>
/// <c>--mode backtest</c> (docs/benchmarks.md, docs/decisions/0057): the server in-process with a private influxd, a
/// stored history of <c>--assets</c> pipelines x <c>--hours</c> at one reading per <c>--interval-seconds</c> written as
/// line protocol in big batches, then the backtest job over all of them timed from submit to result through the API,
/// with the job's own split into InfluxDB, parsing, replay and ledger. <c>--repeat</c> runs the job again on the same
/// data; <c>--influx-url</c> with <c>--influx-database</c> and <c>--no-load</c> reuses a database loaded before.
/// </summary>
internal static class BacktestRun
{
    public static async Task<object> RunAsync(LoadOptions options, CancellationToken ct)
    {
        var plan = new HistoryPlan(options.Assets, TimeSpan.FromHours(options.Hours), TimeSpan.FromSeconds(options.IntervalSeconds), HistoryPlan.FixedEnd);
        var loadAverageAtStart = LoadAverage.Read();
        await using var server = new ServerUnderTest();
        await server.StartAsync(options, ct);
        HistoryLoad? load = null;
        if (!options.NoLoad)
        {
            Console.Error.WriteLine($"backtest: writing {plan.Readings:N0} readings ({plan.Assets} assets x {plan.Span.TotalHours:0.#} h every {plan.Interval.TotalSeconds:0.#} s) to {server.Database}");
            var lastShown = Stopwatch.StartNew();
            load = await HistoryLoader.WriteAsync(server.InfluxUrl, server.Database, plan, new Progress<long>(n =>
            {
                if (lastShown.Elapsed > TimeSpan.FromSeconds(10))
                {
                    lastShown.Restart();
                    Console.Error.WriteLine($"  {n:N0} written");
                }
            }), ct);
            Console.Error.WriteLine($"backtest: {load.Readings:N0} written in {load.Seconds:0.0} s ({load.ReadingsPerSecond:N0}/s, {load.Requests} requests)");
        }

        var stored = await server.CountStoredPointsAsync(ct);
        var influxCpu = new ServiceCpuMeter("influxd", () => server.InfluxPid, includeChildren: false);
        using var client = new BacktestClient(server.BaseUrl, server.AdminKey);
        var runs = new List<object>();
        for (var run = 0; run < Math.Max(1, options.Repeat); run++)
        {
            var loadBefore = LoadAverage.Read();
            influxCpu.Start();
            var cpu0 = Stats.ProcessCpu();
            var outcome = await client.RunAsync(plan.Start, plan.End, ct);
            influxCpu.Sample();
            var serverCpu = (Stats.ProcessCpu() - cpu0).TotalSeconds;
            var loadAfter = LoadAverage.Read();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backtest run {run + 1}: {outcome.Status} in {outcome.Seconds} s, {outcome.SamplesReplayed:N0} readings ({outcome.ReadingsPerSecond:N0}/s), timings {outcome.Timings}; CPU s server {serverCpu:0.0}, influxd {influxCpu.Seconds:0.0}; load {loadBefore} -> {loadAfter}"));
            runs.Add(new
            {
                outcome.Status,
                outcome.Error,
                submitToResultSeconds = outcome.Seconds,
                outcome.AssetsDone,
                outcome.SamplesReplayed,
                readingsPerSecond = outcome.ReadingsPerSecond,
                timings = outcome.Timings,
                cpuSeconds = new { server = Stats.Round(serverCpu, 2), influxd = Stats.Round(influxCpu.Seconds, 2) },
                candidate = outcome.Candidate,
                loadAverageBefore = loadBefore,
                loadAverageAfter = loadAfter,
            });
        }

        return new
        {
            mode = "backtest",
            label = options.Label,
            at = DateTimeOffset.UtcNow,
            machine = new { cores = Environment.ProcessorCount, loadAverageAtStart },
            options = new { options.Assets, options.Hours, options.IntervalSeconds, readingsPlanned = plan.Readings, from = plan.Start, to = plan.End, settings = options.Settings },
            database = server.Database,
            load = load is null ? null : new { load.Readings, seconds = Stats.Round(load.Seconds, 1), readingsPerSecond = load.ReadingsPerSecond, load.Requests },
            storedReadings = stored,
            runs,
        };
    }
}

/// <summary>The machine's 1, 5 and 15 minute load averages, as <c>uptime</c> shows them: the figure every timing here is read against.</summary>
internal static class LoadAverage
{
    public static string Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
