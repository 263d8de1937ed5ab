using System.Globalization;
using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Cli;

internal enum CommandKind
{
    Help,
    Run,
    GenerateCity,
    GenerateRegions,
    Invalid,
}

internal sealed record ParsedCommand(CommandKind Kind, SimulatorOptions? Run = null, GenerateCityOptions? GenerateCity = null, string? Error = null);

/// <summary>
/// Hand-rolled argument parsing: <c>[command] [--option value | --option=value | --flag]...</c>. Small enough not to
/// need a library, and strict: an unknown option is an error rather than silently ignored.
/// </summary>
internal static class CommandLine
{
    public const string HelpText = """
        RiskMonitor simulator: fake gateways, elevators and hazard sources speaking the v1 MQTT contract.

        Usage:
          RiskMonitor.Simulator [run] [options]                 publish telemetry for the assets in a GeoJSON file
          RiskMonitor.Simulator generate-city [--out PATH] [--seed N]
                                                                write the demo city's asset file
          RiskMonitor.Simulator generate-regions [--out PATH] [--seed N]
                                                                write the demo city's grid hierarchy (regions.geojson)
          RiskMonitor.Simulator help                            this text

        run options:
          --assets PATH             asset file (default data/demo-city/assets.geojson, also looked up in parent folders)
          --host HOST               MQTT broker host (default 127.0.0.1)
          --port N                  MQTT broker port (default 1883)
          --clients N               MQTT connections acting as gateways, assets spread over them (default 4)
          --rate R                  total readings per second across all assets (default 200); 0 = each asset
                                    exactly at its reportingIntervalSeconds. Intervals are scaled by the same factor.
          --batch N                 readings per telemetry message; N > 1 sends a JSON array (default 1)
          --qos 0|1                 QoS of telemetry (default 0); status, events and bad payloads always use QoS 1
          --assets-limit N          simulate only N assets, taken round-robin over the kinds
          --seed N                  seed for the value noise and random scenario targets (default 42)
          --http-port N             loopback HTTP control port (default 8090; 0 = off)
          --scenario SPEC           start a scenario, repeatable. SPEC = name[:target][@delay], e.g.
                                    gas-leak:gp-0003  entrapment:el-0010@30s  over-pressure  silent:hz-0002@1m
                                    malformed  storm:50. Without a target a fitting asset is picked at random.
          --entrapment-seconds S    how long an entrapment lasts before active:false (default 120)
          --silent-seconds S        how long a silent asset stays quiet (default 300)
          --silent-status, --status silent assets also publish retained 'offline', then 'online' when done
          --no-offline-on-exit      on Ctrl-C keep the retained statuses as they are (default: publish 'offline')
          --client-id-prefix P      MQTT client id prefix (default rm-sim-<pid>); ids are P-gw01, P-gw02, ...
          --provision URL           provision each gateway's MQTT credential on the server at URL (needs the admin key)
          --admin-key KEY           the server's Devices:AdminKey (default: environment variable RM_ADMIN_KEY)
          --stats-seconds S         interval of the progress line (default 10)
          --verbose                 debug logging
          --demo                    demo mode: scenarios start on their own (a gas leak after 20 s, an entrapment,
                                    an over-pressure, a vehicle off route, a silent sensor, then one every ~75 s)

        drill mode (a rehearsal that leaves the real record, the KPIs and the city feed alone):
          --drill SPEC              play a scenario as a drill, repeatable (same SPEC as --scenario; not silent,
                                    malformed or vehicle scenarios). The simulator records one unscripted drill on the
                                    server, sends the scenario's readings and events on rm/v1/{id}/drill, keeps the
                                    real readings as measured, ends the drill and logs its report.
          --drill-title TEXT        the drill's name (default: 模拟器演练 and the specs)
          --drill-length D          end the drill after D (default 30m; 90s, 1h ...); Ctrl-C ends it sooner
          --drill-report PATH       also write the drill report (JSON) there when the drill ends
          --api URL                 the server's REST base URL (default: --provision, else http://HOST:8080/)
          --token TOKEN             a supervisor's city-wide bearer token (default: environment variable RM_TOKEN)

        Scenarios: gas-leak (pipeline or gas station), entrapment (elevator), over-pressure (hazard source),
        silent (any), malformed (any; one of each bad payload), storm (N random pipelines leak at once).

        HTTP control (while running, on 127.0.0.1:<http-port>):
          GET  /                               one-line help
          GET  /scenarios                      available scenarios, pending/active runs, recent runs
          POST /scenarios/{name}?asset=ID      start one; also &delaySeconds=S &durationSeconds=S &count=N &status=true
                                               -> 202 with a JSON description
          DELETE /scenarios                    end every run (closing events and statuses are still sent)
          GET  /stats                          counters
        """;

    public static ParsedCommand Parse(IReadOnlyList<string> args)
    {
        var position = 0;
        var command = "run";
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            command = args[0];
            position = 1;
        }

        try
        {
            return command switch
            {
                "run" => ParseRun(args, position),
                "generate-city" => ParseGenerateCity(args, position),
                "generate-regions" => ParseGenerateCity(args, position) is { Kind: CommandKind.GenerateCity } regions
                    ? regions with { Kind = CommandKind.GenerateRegions }
                    : ParseGenerateCity(args, position),
                "help" => new ParsedCommand(CommandKind.Help),
                _ => Invalid($"Unknown command '{command}'. Commands: run, generate-city, generate-regions, help."),
            };
        }
        catch (UsageException ex)
        {
            return Invalid(ex.Message);
        }
    }

    private static ParsedCommand ParseRun(IReadOnlyList<string> args, int position)
    {
        var options = new SimulatorOptions();
        foreach (var (name, value) in Options(args, position, RunFlags, RunValueOptions))
        {
            switch (name)
            {
                case "--help" or "-h":
                    return new ParsedCommand(CommandKind.Help);
                case "--assets":
                    options.AssetsPath = Required(name, value);
                    break;
                case "--host":
                    options.Host = Required(name, value);
                    break;
                case "--port":
                    options.Port = Int(name, value, 1, 65_535);
                    break;
                case "--clients":
                    options.Clients = Int(name, value, 1, 256);
                    break;
                case "--rate":
                    options.RatePerSecond = Double(name, value, 0, 1_000_000);
                    break;
                case "--batch":
                    options.Batch = Int(name, value, 1, 10_000);
                    break;
                case "--qos":
                    options.Qos = Int(name, value, 0, 1);
                    break;
                case "--assets-limit":
                    options.AssetsLimit = Int(name, value, 1, int.MaxValue);
                    break;
                case "--seed":
                    options.Seed = Int(name, value, int.MinValue, int.MaxValue);
                    break;
                case "--http-port":
                    options.HttpPort = Int(name, value, 0, 65_535);
                    break;
                case "--scenario":
                    if (!ScenarioRequest.TryParse(Required(name, value), out var request, out var error))
                    {
                        throw new UsageException(error);
                    }

                    options.Scenarios.Add(request);
                    break;
                case "--entrapment-seconds":
                    options.EntrapmentDuration = TimeSpan.FromSeconds(Double(name, value, 1, 86_400));
                    break;
                case "--silent-seconds":
                    options.SilentDuration = TimeSpan.FromSeconds(Double(name, value, 1, 86_400));
                    break;
                case "--silent-status" or "--status":
                    options.SilentPublishesStatus = true;
                    break;
                case "--no-offline-on-exit":
                    options.OfflineOnExit = false;
                    break;
                case "--client-id-prefix":
                    options.ClientIdPrefix = Required(name, value);
                    break;
                case "--provision":
                    options.ProvisionUrl = Uri.TryCreate(Required(name, value), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                        ? url
                        : throw new UsageException("--provision wants the server's base URL, e.g. http://127.0.0.1:8080/");
                    break;
                case "--admin-key":
                    options.AdminKey = Required(name, value);
                    break;
                case "--stats-seconds":
                    options.StatsInterval = TimeSpan.FromSeconds(Double(name, value, 1, 3600));
                    break;
                case "--verbose":
                    options.Verbose = true;
                    break;
                case "--demo":
                    options.Demo = true;
                    break;
                case "--drill":
                    if (!ScenarioRequest.TryParse(Required(name, value), out var drill, out var drillError))
                    {
                        throw new UsageException("--drill " + drillError);
                    }

                    options.DrillScenarios.Add(Drills.DrillChannel.Refusal(drill.Name) is { } refusal
                        ? throw new UsageException($"--drill {drill.Name}: {refusal}.")
                        : drill);
                    break;
                case "--drill-title":
                    options.DrillTitle = Required(name, value);
                    break;
                case "--drill-length":
                    options.DrillLength = DurationText.TryParse(Required(name, value), out var length) && length >= TimeSpan.FromSeconds(1)
                        ? length
                        : throw new UsageException("--drill-length takes a duration such as 90s, 30m or 1h.");
                    break;
                case "--drill-report":
                    options.DrillReportPath = Required(name, value);
                    break;
                case "--api":
                    options.ApiUrl = Uri.TryCreate(Required(name, value), UriKind.Absolute, out var api) && api.Scheme is "http" or "https"
                        ? api
                        : throw new UsageException("--api wants the server's base URL, e.g. http://127.0.0.1:8080/");
                    break;
                case "--token":
                    options.Token = Required(name, value);
                    break;
                default:
                    throw new UsageException($"Unknown option '{name}' for run. See --help.");
            }
        }

        if (options.DrillScenarios.Count > 0 && string.IsNullOrWhiteSpace(options.Token))
        {
            throw new UsageException("--drill needs a supervisor's bearer token: --token TOKEN or the environment variable RM_TOKEN (POST /api/auth/token gives one).");
        }

        return new ParsedCommand(CommandKind.Run, Run: options);
    }

    private static ParsedCommand ParseGenerateCity(IReadOnlyList<string> args, int position)
    {
        var options = new GenerateCityOptions();
        foreach (var (name, value) in Options(args, position, ["--help", "-h"], ["--out", "--seed"]))
        {
            switch (name)
            {
                case "--help" or "-h":
                    return new ParsedCommand(CommandKind.Help);
                case "--out":
                    options.OutputPath = Required(name, value);
                    break;
                case "--seed":
                    options.Seed = Int(name, value, int.MinValue, int.MaxValue);
                    break;
                default:
                    throw new UsageException($"Unknown option '{name}' for generate-city. See --help.");
            }
        }

        return new ParsedCommand(CommandKind.GenerateCity, GenerateCity: options);
    }

    private static readonly string[] RunFlags = ["--help", "-h", "--silent-status", "--status", "--no-offline-on-exit", "--verbose", "--demo"];

    private static readonly string[] RunValueOptions =
    [
        "--assets", "--host", "--port", "--clients", "--rate", "--batch", "--qos", "--assets-limit", "--seed", "--http-port", "--scenario",
        "--entrapment-seconds", "--silent-seconds", "--client-id-prefix", "--stats-seconds", "--provision", "--admin-key",
        "--drill", "--drill-title", "--drill-length", "--drill-report", "--api", "--token",
    ];

    /// <summary>Splits the arguments into (name, value) pairs; flags get a null value.</summary>
    private static IEnumerable<(string Name, string? Value)> Options(
        IReadOnlyList<string> args, int position, IReadOnlyCollection<string> flags, IReadOnlyCollection<string> valued)
    {
        while (position < args.Count)
        {
            var arg = args[position++];
            if (!arg.StartsWith('-'))
            {
                throw new UsageException($"Unexpected argument '{arg}'. Options start with --; see --help.");
            }

            var equals = arg.IndexOf('=');
            var name = equals > 0 ? arg[..equals] : arg;
            if (!flags.Contains(name) && !valued.Contains(name))
            {
                throw new UsageException($"Unknown option '{name}'. See --help.");
            }

            if (equals > 0)
            {
                yield return (arg[..equals], arg[(equals + 1)..]);
            }
            else if (flags.Contains(arg))
            {
                yield return (arg, null);
            }
            else if (position < args.Count)
            {
                yield return (arg, args[position++]);
            }
            else
            {
                throw new UsageException($"Option '{arg}' needs a value.");
            }
        }
    }

    private static string Required(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"Option '{name}' needs a value.") : value;

    private static int Int(string name, string? value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"Option '{name}' takes a whole number from {min} to {max}, not '{value}'.");

    private static double Double(string name, string? value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max
            ? d
            : throw new UsageException($"Option '{name}' takes a number from {min} to {max}, not '{value}'.");

    private static ParsedCommand Invalid(string error) => new(CommandKind.Invalid, Error: error);

    private sealed class UsageException(string message) : Exception(message);
}
