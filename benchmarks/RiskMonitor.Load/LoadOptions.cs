using System.Globalization;
using RiskMonitor.Load.Deployed;

namespace RiskMonitor.Load;

/// <summary>What to run. Every option has a default so that a bare <c>dotnet run</c> is a short smoke run.</summary>
public sealed record LoadOptions
{
    /// <summary>
    /// <c>deployed</c> (the default: PostgreSQL, InfluxDB, the server and the publisher as separate processes, as
    /// run.sh starts them; docs/decisions/0027), or the in-process modes <c>run</c> (throughput, loss, latency),
    /// <c>memory</c> (heap per active asset), <c>broker</c> (MQTT alone), <c>sweep</c> (runs at rising rates to the
    /// highest sustained one, plus the broker baseline, table and plot) and <c>backtest</c> (a stored history, then the
    /// backtest job over it, timed; Backtest/BacktestRun).
    /// </summary>
    public string Mode { get; init; } = "deployed";

    /// <summary><c>publisher</c>: this process is the deployed mode's publisher, started by the harness.</summary>
    public string? Role { get; init; }

    /// <summary>Fraction of readings that flip ch4_lel between 1 and 60 (raise or clear a red alert); deployed mode.</summary>
    public double FlipRatio { get; init; } = 0.002;

    /// <summary>Aligned storm: this many assets go red in the same second (0 = none); deployed mode.</summary>
    public int StormAssets { get; init; }

    public int StormAtSeconds { get; init; } = 10;

    public int StormClearAfterSeconds { get; init; } = 30;

    /// <summary>Fault injection, seconds after publishing starts (-1 = none) and for how long.</summary>
    public FaultPlan Faults { get; init; } = new();

    /// <summary>
    /// Deployed mode: 0 runs one server with its embedded broker (run.sh); N runs N silos as the chart deploys them
    /// (decision 0021: AdoNet membership and state in PostgreSQL, Mosquitto with the shared subscription and device
    /// accounts, the Redis backplane, one InfluxDB).
    /// </summary>
    public int Cluster { get; init; }

    /// <summary>Unpaced broker baseline after a deployed run, same publisher process and flags (0 = skip).</summary>
    public int BaselineSeconds { get; init; } = 10;

    /// <summary>The server to run; default: src/RiskMonitor.Server/bin/Release/net10.0/RiskMonitor.Server.dll of this checkout.</summary>
    public string? ServerDll { get; init; }

    /// <summary>Where the server, PostgreSQL, InfluxDB and publisher logs of a deployed run are kept.</summary>
    public string? LogDir { get; init; }

    /// <summary>Publisher role: broker port, credentials file (JSON) and where to write the changes it published.</summary>
    public int Port { get; init; }

    public string? CredentialsFile { get; init; }

    public string? ChangesFile { get; init; }

    public int Assets { get; init; } = 1000;

    /// <summary>Offered readings per second over all connections; 0 publishes as fast as the window allows.</summary>
    public int Rate { get; init; } = 5000;

    public int Seconds { get; init; } = 20;

    public int Qos { get; init; } = 1;

    /// <summary>Readings per MQTT message (a JSON array when above 1, DESIGN.md §2).</summary>
    public int Batch { get; init; } = 1;

    public int Connections { get; init; } = 4;

    /// <summary>Publishes in flight per connection (QoS 1: awaiting PUBACK).</summary>
    public int Window { get; init; } = 64;

    /// <summary>Alert raises per second (each followed by its clear on the asset's next reading); -1: rate / 500.</summary>
    public double AlertRate { get; init; } = -1;

    /// <summary>Alerts raised by readings published in the first seconds are counted but left out of the steady-state latency.</summary>
    public int WarmupSeconds { get; init; } = 5;

    /// <summary>An InfluxDB 1.x to use instead of starting a private influxd.</summary>
    public Uri? InfluxUrl { get; init; }

    /// <summary>
    /// Deployed: start the private influxd under <c>SCHED_IDLE</c>, as run.sh does (decision 0065); <c>--influx-normal</c>
    /// starts it at normal priority, for comparison.
    /// </summary>
    public bool InfluxIdle { get; init; } = true;

    /// <summary>
    /// Deployed: leave the kernel's autogroup on; by default the run turns it off, as run.sh does, and back on after
    /// (decision 0066).
    /// </summary>
    public bool KeepAutogroup { get; init; }

    /// <summary>
    /// Deployed: run PostgreSQL, the server and the instruments (the publisher, the hub's recorder) in the real-time
    /// class, as run.sh runs PostgreSQL and the server with <c>RM_LIVE_PRIORITY=realtime</c>
    /// (<c>--live-priority realtime</c>, decision 0069); normal by default, as run.sh's default.
    /// </summary>
    public bool LiveRealTime { get; init; }

    /// <summary>
    /// Deployed: also report the hub latency of the changes published in [from, from + seconds) after publishing starts,
    /// and of the rest: a run without a backtest gives the figure a backtest's window is compared with.
    /// </summary>
    public (int From, int Seconds)? LatencyWindow { get; init; }

    /// <summary>
    /// Deployed: write the <see cref="Hours"/> of history a backtest reads even without <see cref="BacktestAtSeconds"/>,
    /// so that a run without a backtest differs from one with it in the backtest alone: InfluxDB goes on compacting a
    /// fresh history for minutes after it is written (docs/decisions/0069).
    /// </summary>
    public bool LoadHistory { get; init; }

    /// <summary>Backtest: use this database (kept afterwards) instead of a fresh one per run; with <see cref="NoLoad"/>, one loaded before.</summary>
    public string? InfluxDatabase { get; init; }

    /// <summary>Backtest: the history is already in the database; do not write it again.</summary>
    public bool NoLoad { get; init; }

    /// <summary>Backtest (and deployed with <see cref="BacktestAtSeconds"/>): hours of stored history per asset.</summary>
    public double Hours { get; init; } = 24;

    /// <summary>Backtest: seconds between the stored readings of one asset.</summary>
    public double IntervalSeconds { get; init; } = 5;

    /// <summary>Backtest: run the job this many times on the same data.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>
    /// Deployed: start a backtest of every asset over <see cref="Hours"/> of history (written before publishing starts)
    /// this many seconds after publishing starts (-1 = none), and report the hub latency while it ran against the rest.
    /// </summary>
    public int BacktestAtSeconds { get; init; } = -1;

    /// <summary>How long to wait after publishing for storage and alerts to catch up before counting loss.</summary>
    public int DrainSeconds { get; init; } = 60;

    /// <summary>Reporting interval written into the generated registry: long, so that the offline rule stays quiet.</summary>
    public int ReportingIntervalSeconds { get; init; } = 600;

    /// <summary>Append the JSON line to this file as well as printing it.</summary>
    public string? Out { get; init; }

    public string? Label { get; init; }

    /// <summary>Memory: stay up this long after measuring, so that <c>dotnet-gcdump collect -p PID</c> can see the heap.</summary>
    public int HoldSeconds { get; init; }

    /// <summary>
    /// <c>--mode memory</c>: readings sent to each asset (one message, one reading every 5 s up to now, with
    /// noise) so that its trend windows are full, as an asset that has run a while holds them (issue 22: 60-sample windows).
    /// </summary>
    public int FillReadings { get; init; } = 1;

    /// <summary>Sweep: explicit offered rates instead of doubling from <see cref="Rate"/> and bisecting.</summary>
    public IReadOnlyList<int>? Rates { get; init; }

    /// <summary>Sweep: the doubling stops here.</summary>
    public int MaxRate { get; init; } = 200_000;

    /// <summary>Sweep: bisection steps between the highest sustained and the lowest failed rate.</summary>
    public int SweepBisections { get; init; } = 2;

    /// <summary>Sweep: where the Markdown table and the PNG plot go.</summary>
    public string ResultsDir { get; init; } = Path.Combine("benchmarks", "results");

    /// <summary>Extra server configuration (<c>--set Section:Key=value</c>, repeatable), applied after the harness's own.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public double EffectiveAlertRate => AlertRate >= 0 ? AlertRate : Math.Max(1, Rate / 500.0); // unpaced: 1 per 500 readings

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var connectionsGiven = false;
        var qosGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            connectionsGiven |= name == "--connections";
            qosGiven |= name == "--qos";
            options = name switch
            {
                "--mode" => options with { Mode = Value() },
                "--assets" => options with { Assets = Int() },
                "--rate" => options with { Rate = Int() },
                "--seconds" => options with { Seconds = Int() },
                "--qos" => options with { Qos = Int() is var q and (0 or 1) ? q : throw new ArgumentException("--qos is 0 or 1") },
                "--batch" => options with { Batch = Math.Max(1, Int()) },
                "--connections" => options with { Connections = Math.Max(1, Int()) },
                "--window" => options with { Window = Math.Max(1, Int()) },
                "--alert-rate" => options with { AlertRate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--influx-url" => options with { InfluxUrl = new Uri(Value()) },
                "--influx-database" => options with { InfluxDatabase = Value() },
                "--no-load" => options with { NoLoad = true },
                "--influx-normal" => options with { InfluxIdle = false },
                "--keep-autogroup" => options with { KeepAutogroup = true },
                "--live-priority" => options with
                {
                    LiveRealTime = Value() switch
                    {
                        "realtime" => true,
                        "normal" => false,
                        var other => throw new ArgumentException($"--live-priority is realtime or normal, not {other}"),
                    },
                },
                "--latency-window" => options with { LatencyWindow = LatencyWindowOf(Value()) },
                "--load-history" => options with { LoadHistory = true },
                "--hours" => options with { Hours = Positive(double.Parse(Value(), CultureInfo.InvariantCulture), name) },
                "--interval-seconds" => options with { IntervalSeconds = Positive(double.Parse(Value(), CultureInfo.InvariantCulture), name) },
                "--repeat" => options with { Repeat = Math.Max(1, Int()) },
                "--backtest-at" => options with { BacktestAtSeconds = Int() },
                "--warmup-seconds" => options with { WarmupSeconds = Int() },
                "--drain-seconds" => options with { DrainSeconds = Int() },
                "--reporting-interval" => options with { ReportingIntervalSeconds = Int() },
                "--out" => options with { Out = Value() },
                "--label" => options with { Label = Value() },
                "--rates" => options with { Rates = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() },
                "--hold-seconds" => options with { HoldSeconds = Int() },
                "--fill-readings" => options with { FillReadings = Math.Max(1, Int()) },
                "--max-rate" => options with { MaxRate = Int() },
                "--bisections" => options with { SweepBisections = Math.Max(0, Int()) },
                "--results-dir" => options with { ResultsDir = Value() },
                "--set" => options with { Settings = Set(options.Settings, Value()) },
                // The system of record once the alert ledger lands (issue 7): ConnectionStrings:RiskMonitor.
                "--postgres" => options with { Settings = Set(options.Settings, "ConnectionStrings:RiskMonitor=" + Value()) },
                "--role" => options with { Role = Value() },
                "--flip-ratio" => options with { FlipRatio = Ratio(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--storm" => options with { StormAssets = Int() },
                "--storm-at" => options with { StormAtSeconds = Int() },
                "--storm-clear-after" => options with { StormClearAfterSeconds = Int() },
                "--stop-postgres-at" => options with { Faults = options.Faults with { StopPostgresAt = Int() } },
                "--stop-postgres-for" => options with { Faults = options.Faults with { StopPostgresFor = Int() } },
                "--freeze-postgres-at" => options with { Faults = options.Faults with { FreezePostgresAt = Int() } },
                "--freeze-postgres-for" => options with { Faults = options.Faults with { FreezePostgresFor = Int() } },
                "--stop-influx-at" => options with { Faults = options.Faults with { StopInfluxAt = Int() } },
                "--stop-influx-for" => options with { Faults = options.Faults with { StopInfluxFor = Int() } },
                "--freeze-influx-at" => options with { Faults = options.Faults with { FreezeInfluxAt = Int() } },
                "--freeze-influx-for" => options with { Faults = options.Faults with { FreezeInfluxFor = Int() } },
                "--cluster" => options with { Cluster = Math.Max(0, Int()) },
                "--kill-silo-at" => options with { Faults = options.Faults with { KillSiloAt = Int() } },
                "--rolling-restart-at" => options with { Faults = options.Faults with { RollingRestartAt = Int() } },
                "--baseline-seconds" => options with { BaselineSeconds = Int() },
                "--server-dll" => options with { ServerDll = Value() },
                "--log-dir" => options with { LogDir = Value() },
                "--port" => options with { Port = Int() },
                "--credentials" => options with { CredentialsFile = Value() },
                "--changes-file" => options with { ChangesFile = Value() },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        // The deployed mode defaults to what issue 17 saw people run: one gateway connection, QoS 0. A cluster gets
        // QoS 1: Mosquitto queues no QoS 0 message for a member of the shared group that is offline (a dead silo keeps
        // its turn until its session is taken over, decision 0029), so QoS 0 there loses readings by design.
        if (options.Mode == "deployed" && options.Role is null)
        {
            options = options with { Connections = connectionsGiven ? options.Connections : 1, Qos = qosGiven ? options.Qos : options.Cluster > 0 ? 1 : 0 };
        }

        if (options.NoLoad && options.InfluxDatabase is null)
        {
            throw new ArgumentException("--no-load needs --influx-database (and --influx-url): the database loaded before");
        }

        if ((options.Faults.KillSiloAt >= 0 || options.Faults.RollingRestartAt >= 0) && options.Cluster < 2)
        {
            throw new ArgumentException("--kill-silo-at and --rolling-restart-at need --cluster 2 or more");
        }

        if (options.Faults.KillSiloAt >= 0 && options.Faults.RollingRestartAt >= 0)
        {
            throw new ArgumentException("--kill-silo-at and --rolling-restart-at are separate runs: a rolling restart would start the killed silo again");
        }

        return options;
    }

    private static double Positive(double value, string name) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be above 0");

    private static (int From, int Seconds) LatencyWindowOf(string value) =>
        value.Split(':') is [var from, var seconds] && int.TryParse(from, CultureInfo.InvariantCulture, out var f) && f >= 0
            && int.TryParse(seconds, CultureInfo.InvariantCulture, out var d) && d > 0
            ? (f, d)
            : throw new ArgumentException($"--latency-window is FROM:SECONDS after publishing starts, not '{value}'");

    private static double Ratio(double value) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentException("--flip-ratio is between 0 and 1");

    private static Dictionary<string, string?> Set(IReadOnlyDictionary<string, string?> settings, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--set needs Section:Key=value, not '{assignment}'");
        }

        return new Dictionary<string, string?>(settings) { [assignment[..equals]] = assignment[(equals + 1)..] };
    }

    public const string Usage = """
        RiskMonitor.Load [--mode deployed|run|memory|broker|sweep|backtest] [--assets N] [--rate R (0 = as fast as possible)] [--seconds S]
                         [--qos 0|1] [--batch B] [--connections C] [--window W] [--alert-rate A]
                         [--influx-url http://127.0.0.1:8086/] [--warmup-seconds W] [--drain-seconds D] [--reporting-interval S]
                         memory: [--hold-seconds S (time to take a dotnet-gcdump)]
                         [--out results.jsonl] [--label text] [--set Section:Key=value]... [--postgres connection-string]
                         backtest: [--hours 24] [--interval-seconds 5] [--repeat 1] [--influx-database name [--no-load]]
                         sweep: [--rates r1,r2,...] [--max-rate R] [--bisections N] [--results-dir benchmarks/results]
                         deployed (default; connections 1, QoS 0 unless given): [--flip-ratio 0.002]
                           [--storm N [--storm-at 10] [--storm-clear-after 30]]
                           [--stop-postgres-at S --stop-postgres-for N] [--freeze-postgres-at S --freeze-postgres-for N]
                           [--stop-influx-at S --stop-influx-for N] [--freeze-influx-at S --freeze-influx-for N]
                           [--backtest-at S (a backtest of every asset over --hours of history loaded first)]
                           [--baseline-seconds 10 (0 = none)] [--server-dll path] [--log-dir dir] [--influx-normal] [--keep-autogroup]
                           [--live-priority realtime|normal] [--latency-window FROM:SECONDS] [--load-history]
                           [--cluster N (silos; QoS 1 unless given) [--kill-silo-at S] [--rolling-restart-at S]]
        """;
}
