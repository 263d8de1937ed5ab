using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Cli;

/// <summary>
/// Options of the <c>run</c> command. They come from the command line only (see <see cref="CommandLine"/>): a demo
/// or load script passes everything explicitly, and a repeatable <c>--scenario</c> does not map onto configuration keys.
/// </summary>
internal sealed class SimulatorOptions
{
    public const string DefaultAssetsPath = "data/demo-city/assets.geojson";

    public string AssetsPath { get; set; } = DefaultAssetsPath;

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>MQTT connections, each acting as one gateway for a share of the assets.</summary>
    public int Clients { get; set; } = 4;

    /// <summary>Total readings per second across all assets; 0 keeps each asset at its own reporting interval.</summary>
    public double RatePerSecond { get; set; } = 200;

    /// <summary>Readings per telemetry message; above 1 the payload is a JSON array.</summary>
    public int Batch { get; set; } = 1;

    public int Qos { get; set; }

    public int? AssetsLimit { get; set; }

    /// <summary>Port of the loopback HTTP control endpoint; 0 turns it off.</summary>
    public int HttpPort { get; set; } = 8090;

    public List<ScenarioRequest> Scenarios { get; } = [];

    public TimeSpan EntrapmentDuration { get; set; } = ScenarioSettings.Default.EntrapmentDuration;

    public TimeSpan SilentDuration { get; set; } = ScenarioSettings.Default.SilentDuration;

    public bool SilentPublishesStatus { get; set; }

    /// <summary>On a clean stop, publish retained <c>offline</c> for every asset, standing in for per-device wills.</summary>
    public bool OfflineOnExit { get; set; } = true;

    public int Seed { get; set; } = 42;

    /// <summary>Null picks <c>rm-sim-&lt;pid&gt;</c>, or the stable <c>rm-sim</c> when provisioning (device ids must persist).</summary>
    public string? ClientIdPrefix { get; set; }

    public string EffectiveClientIdPrefix => ClientIdPrefix ?? (ProvisionUrl is null ? $"rm-sim-{Environment.ProcessId}" : "rm-sim");

    /// <summary>
    /// The server's base URL: each gateway provisions its MQTT credential there (POST /api/devices, or rotates an existing
    /// one) and logs in with it, as a broker with <c>Mqtt:Authentication = Required</c> demands. Null connects anonymously.
    /// </summary>
    public Uri? ProvisionUrl { get; set; }

    /// <summary>The server's <c>Devices:AdminKey</c>; from <c>--admin-key</c> or the <c>RM_ADMIN_KEY</c> environment variable.</summary>
    public string? AdminKey { get; set; } = Environment.GetEnvironmentVariable("RM_ADMIN_KEY");

    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool Verbose { get; set; }

    /// <summary>Demo mode: start scenarios on their own at the <see cref="DemoPace.Default"/> pace (run.sh turns it on).</summary>
    public bool Demo { get; set; }

    /// <summary>Scenarios played as one drill (<c>--drill</c>), on the drill channel; the real readings stay as measured.</summary>
    public List<ScenarioRequest> DrillScenarios { get; } = [];

    public string? DrillTitle { get; set; }

    /// <summary>How long the drill runs before the simulator ends it (people have this long to answer); a stop ends it sooner.</summary>
    public TimeSpan DrillLength { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Where the drill report is written as JSON when the drill ends; null logs it only.</summary>
    public string? DrillReportPath { get; set; }

    /// <summary>The server's REST base URL for the drill; null takes <see cref="ProvisionUrl"/>, else port 8080 on <see cref="Host"/>.</summary>
    public Uri? ApiUrl { get; set; }

    public Uri EffectiveApiUrl => ApiUrl ?? ProvisionUrl ?? new Uri($"http://{Host}:8080/");

    /// <summary>A bearer token of a supervisor with city-wide scope (POST /api/auth/token); from <c>--token</c> or <c>RM_TOKEN</c>.</summary>
    public string? Token { get; set; } = Environment.GetEnvironmentVariable("RM_TOKEN");

    public ScenarioSettings ScenarioSettings => new(EntrapmentDuration, SilentDuration, SilentPublishesStatus);
}

/// <summary>Options of the <c>generate-city</c> command.</summary>
internal sealed class GenerateCityOptions
{
    public string OutputPath { get; set; } = SimulatorOptions.DefaultAssetsPath;

    public int Seed { get; set; } = City.CityGenerator.DefaultSeed;
}
