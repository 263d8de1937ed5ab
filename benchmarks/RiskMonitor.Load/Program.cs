using System.Text.Json;
using RiskMonitor.Load;
using RiskMonitor.Load.Backtest;
using RiskMonitor.Load.Deployed;

// dotnet run -c Release --project benchmarks/RiskMonitor.Load -- --assets 1000 --rate 5000 --seconds 20
// Prints progress on stderr and ONE JSON line per run on stdout (docs/benchmarks.md, docs/decisions/0008-load-harness.md).
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
// A run never outlives its budget, whatever hangs: the machine is shared.
// A sweep is at most a dozen runs.
cts.CancelAfter(TimeSpan.FromSeconds((options.Seconds + options.DrainSeconds + options.Faults.End.TotalSeconds + options.StormAtSeconds
    + options.StormClearAfterSeconds + options.BaselineSeconds + 300
    // A cluster starts its silos one by one, and a rolling restart stops and starts each again (minutes under load).
    + (options.Cluster * (options.Faults.RollingRestartAt >= 0 ? 480 : 180))) * (options.Mode == "sweep" ? 12 : 1)
    // A backtest writes its history first (17 million readings take minutes on a shared machine), then runs the job.
    + (options.Mode == "backtest" || options.BacktestAtSeconds >= 0 || options.LoadHistory ? 1800 + (options.Repeat * 600) : 0)));

// The deployed mode's publisher: this same program in its own process (docs/decisions/0027).
if (options.Role == "publisher")
{
    return await Publisher.RunAsync(options, cts.Token);
}

// --live-priority realtime: the live path in the real-time class, as run.sh runs it with RM_LIVE_PRIORITY=realtime
// (docs/decisions/0069).
if (options.Mode == "deployed" && await LivePriority.RerunAsync(options, args) is { } exitCode)
{
    return exitCode;
}

var report = options.Mode switch
{
    "deployed" => await DeployedRun.RunAsync(options, cts.Token),
    "run" => await LoadRuns.ThroughputAsync(options, cts.Token),
    "memory" => await LoadRuns.MemoryAsync(options, cts.Token),
    "broker" => await LoadRuns.BrokerBaselineAsync(options, cts.Token),
    "sweep" => await LoadSweep.SweepAsync(options, cts.Token),
    "backtest" => await BacktestRun.RunAsync(options, cts.Token),
    _ => throw new ArgumentException($"unknown mode {options.Mode}"),
};

var line = JsonSerializer.Serialize(report, LoadRuns.Json);
Console.WriteLine(line);
if (options.Out is { } path)
{
    await File.AppendAllTextAsync(path, line + Environment.NewLine, CancellationToken.None);
}

return 0;

