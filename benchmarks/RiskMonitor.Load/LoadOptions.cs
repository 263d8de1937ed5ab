using System.Globalization;

namespace RiskMonitor.Load;

/// <summary>What to run. Every option has a default so that a bare <c>dotnet run</c> is a short smoke run.</summary>
public sealed record LoadOptions
{
    /// <summary>
    /// <c>run</c> (throughput, loss, latency), <c>memory</c> (heap per active asset), <c>broker</c> (MQTT alone) or
    /// <c>sweep</c> (runs at rising rates to the highest sustained one, plus the broker baseline, table and plot).
    /// </summary>
    public string Mode { get; init; } = "run";

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

    /// <summary>How long to wait after publishing for storage and alerts to catch up before counting loss.</summary>
    public int DrainSeconds { get; init; } = 60;

    /// <summary>Reporting interval written into the generated registry: long, so that the offline rule stays quiet.</summary>
    public int ReportingIntervalSeconds { get; init; } = 600;

    /// <summary>Append the JSON line to this file as well as printing it.</summary>
    public string? Out { get; init; }

    public string? Label { get; init; }

    /// <summary>Memory: stay up this long after measuring, so that <c>dotnet-gcdump collect -p PID</c> can see the heap.</summary>
    public int HoldSeconds { get; init; }

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
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
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
                "--warmup-seconds" => options with { WarmupSeconds = Int() },
                "--drain-seconds" => options with { DrainSeconds = Int() },
                "--reporting-interval" => options with { ReportingIntervalSeconds = Int() },
                "--out" => options with { Out = Value() },
                "--label" => options with { Label = Value() },
                "--rates" => options with { Rates = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() },
                "--hold-seconds" => options with { HoldSeconds = Int() },
                "--max-rate" => options with { MaxRate = Int() },
                "--bisections" => options with { SweepBisections = Math.Max(0, Int()) },
                "--results-dir" => options with { ResultsDir = Value() },
                "--set" => options with { Settings = Set(options.Settings, Value()) },
                // The system of record once the alert ledger lands (issue 7): ConnectionStrings:RiskMonitor.
                "--postgres" => options with { Settings = Set(options.Settings, "ConnectionStrings:RiskMonitor=" + Value()) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

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
        RiskMonitor.Load [--mode run|memory|broker|sweep] [--assets N] [--rate R (0 = as fast as possible)] [--seconds S]
                         [--qos 0|1] [--batch B] [--connections C] [--window W] [--alert-rate A]
                         [--influx-url http://127.0.0.1:8086/] [--warmup-seconds W] [--drain-seconds D] [--reporting-interval S]
                         memory: [--hold-seconds S (time to take a dotnet-gcdump)]
                         [--out results.jsonl] [--label text] [--set Section:Key=value]... [--postgres connection-string]
                         sweep: [--rates r1,r2,...] [--max-rate R] [--bisections N] [--results-dir benchmarks/results]
        """;
}
