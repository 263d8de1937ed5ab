using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Drills;
using RiskMonitor.Simulator.Hosting;
using RiskMonitor.Simulator.Mqtt;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Vehicles;

namespace RiskMonitor.Simulator.Cli;

/// <summary><c>run</c>: loads the assets, then hosts the publishing loop and, unless turned off, the HTTP control endpoint.</summary>
internal static class RunCommand
{
    /// <param name="cancellationToken">Stops the run as Ctrl-C does (a test runs the simulator in its own process this way).</param>
    public static async Task<int> RunAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        var path = ResolveAssetsPath(options.AssetsPath);
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync(
                $"Asset file '{Path.GetFullPath(path)}' not found. Create it with: generate-city --out {SimulatorOptions.DefaultAssetsPath}");
            return 1;
        }

        AssetFile file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = AssetFileReader.Parse(stream);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"Asset file '{path}' cannot be used: {ex.Message}");
            return 1;
        }

        var assets = new SimulatedAssets(AssetFileReader.Limit(file.Assets, options.AssetsLimit), file.Skipped);
        if (assets.All.Count == 0)
        {
            await Console.Error.WriteLineAsync($"Asset file '{path}' has no asset of a simulated kind (gas_pipeline, gas_station, elevator, hazard_source).");
            return 1;
        }

        // Hazmat vehicles and restricted zones live beside the asset file (generate-regions writes them).
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var vehiclesPath = Path.Combine(folder, "vehicles.geojson");
        var vehicles = new SimulatedVehicles(File.Exists(vehiclesPath)
            ? VehicleFileReader.Read(vehiclesPath, Path.Combine(folder, "restricted-zones.geojson"))
            : []);

        // Refuse a mistyped --scenario target now, not after connecting to the broker.
        var probe = new ScenarioEngine(ScenarioTargets(assets, vehicles), options.ScenarioSettings, new Random(options.Seed));
        foreach (var request in options.Scenarios.Concat(options.DrillScenarios))
        {
            var outcome = probe.Start(request with { Delay = TimeSpan.Zero }, DateTimeOffset.UnixEpoch);
            if (outcome.Started is null && outcome.Kind is ScenarioOutcomeKind.UnknownAsset or ScenarioOutcomeKind.WrongKind)
            {
                await Console.Error.WriteLineAsync($"--scenario {request.Name}: {outcome.Message}");
                return 2;
            }
        }

        using var host = Build(options, assets, vehicles);
        var drill = host.Services.GetRequiredService<DrillConductor>(); // RunAsync disposes the services
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (IOException ex) when (options.HttpPort != 0)
        {
            await Console.Error.WriteLineAsync($"Cannot listen on 127.0.0.1:{options.HttpPort} ({ex.Message}). Pick another --http-port, or 0 to turn HTTP off.");
            return 1;
        }

        return drill.Failed ? 1 : 0;
    }

    private static List<SimAsset> ScenarioTargets(SimulatedAssets assets, SimulatedVehicles vehicles) =>
        [.. assets.All, .. vehicles.All.Select(v => v.AsAsset())];

    private static IHost Build(SimulatorOptions options, SimulatedAssets assets, SimulatedVehicles vehicles)
    {
        if (options.HttpPort == 0)
        {
            var headless = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
            AddSimulator(headless, options, assets, vehicles);
            return headless.Build();
        }

        // Args stay empty: the command line was parsed already, and the configuration provider would misread it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.HttpPort));
        AddSimulator(builder, options, assets, vehicles);
        var app = builder.Build();
        app.MapControlEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
            SimulatorLog.HttpControl(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RiskMonitor.Simulator"), options.HttpPort));
        return app;
    }

    private static void AddSimulator(IHostApplicationBuilder builder, SimulatorOptions options, SimulatedAssets assets, SimulatedVehicles vehicles)
    {
        // Quiet console: one line per event, framework chatter only when it is a problem.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(options.Verbose ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));
        services.AddSingleton(options);
        services.AddSingleton(assets);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SimulatorStats>();
        services.AddSingleton(vehicles);
        services.AddSingleton(_ => new ScenarioEngine(ScenarioTargets(assets, vehicles), options.ScenarioSettings, new Random(options.Seed)));
        services.AddSingleton<GatewayPool>();
        services.AddSingleton<DrillConductor>();
        services.AddHostedService<SimulatorService>();
        services.AddHostedService<VehicleService>();
        services.AddHostedService<DemoService>();
    }

    /// <summary>
    /// The default path is relative to the repository root; walk up from the working directory so that
    /// <c>dotnet run --project simulators/RiskMonitor.Simulator</c> works from anywhere inside the repository.
    /// </summary>
    private static string ResolveAssetsPath(string path)
    {
        if (File.Exists(path) || Path.IsPathRooted(path) || path != SimulatorOptions.DefaultAssetsPath)
        {
            return path;
        }

        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, path);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return path;
    }
}
