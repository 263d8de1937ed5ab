using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NetTopologySuite.Geometries;
using Orleans.Hosting;
using Orleans.TestingHost;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Vehicles;
using RiskMonitor.Grains;
using RiskMonitor.Grains.Assets;
using RiskMonitor.Grains.Escalation;
using RiskMonitor.Grains.Regions;
using RiskMonitor.Grains.Tests.Regions;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.History;
using RiskMonitor.Storage.Influx;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Grains.Tests;

public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public RecordingSink Events { get; } = new();

    public RecordingWriter Readings { get; } = new();

    /// <summary>The alert system of record, in memory; tests read the ledger from it.</summary>
    public InMemoryAlertStore Alerts { get; } = new();

    public InMemoryDrillStore Drills { get; } = new();

    /// <summary>Escalation notices the grains sent, and the roster they read.</summary>
    public RecordingNotifier Notices { get; } = new();

    public InMemoryDutyRoster Roster { get; } = new();

    /// <summary>Silences the escalation grains consult.</summary>
    public InMemorySilenceStore Silences { get; } = new();

    public RecordingRegionSink RegionEvents { get; } = new();

    /// <summary>Asset level changes the grains recorded for the risk snapshot.</summary>
    public InMemoryAssetLevelHistory LevelHistory { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder();
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService());
        builder.ConfigureSiloHost((_, host) =>
        {
            // The test drives grain time, while Orleans' own maintenance loops stay on real time.
            host.Services.AddSingleton<TimeProvider>(Time);
            host.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            host.Services.AddSingleton<IAssetRegistry>(TestRegistry.Instance);
            host.Services.AddSingleton<IRuleCatalog>(TestRegistry.Instance);
            host.Services.AddSingleton<IRiskEventSink>(Events);
            host.Services.AddSingleton<IReadingWriter>(Readings);
            host.Services.AddSingleton<IAlertStore>(Alerts);
            host.Services.AddSingleton<IDrillStore>(Drills);
            host.Services.AddSingleton<IAssetLevelHistory>(LevelHistory);
            host.Services.AddSingleton(HazmatFleet.Empty);
            host.Services.AddSingleton<INotifier>(Notices);
            host.Services.AddSingleton<IDutyRoster>(Roster);
            host.Services.AddSingleton<ISilenceStore>(Silences);
            host.Services.AddSingleton<IRegionChain>(new FixedRegionChain());
            host.Services.AddSingleton(EscalationPolicy.Default);
            host.Services.AddSingleton(FlapPolicy.Default);
            host.Services.AddSingleton(RiskMonitor.Domain.Responsibility.RescueSignals.Default);
            host.Services.AddQuietAssetWatch();
            host.Services.AddSingleton(TestRegionCity.Map);
            host.Services.AddSingleton<IRegionMapSource>(new FixedRegionMapSource(TestRegionCity.Map));
            host.Services.AddSingleton<IRegionEventSink>(RegionEvents);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>A few assets and the DESIGN.md §4 defaults, in code.</summary>
internal sealed class TestRegistry : IAssetRegistry, IRuleCatalog
{
    private static readonly GeometryFactory Geometry = new(); // before Instance: static fields initialise in order
    public static readonly TestRegistry Instance = new();
    private readonly Dictionary<string, AssetDefinition> _assets;

    private TestRegistry()
    {
        var assets = new List<AssetDefinition>();
        for (var i = 1; i <= 20; i++)
        {
            assets.Add(Asset($"gp-{i:000}", "gas_pipeline", "gas"));
            assets.Add(Asset($"el-{i:000}", "elevator", "special_equipment"));
        }

        assets.Add(Asset(TrendAssetId, "gas_pipeline", "gas"));
        assets.AddRange(TestRegionCity.Assets);
        _assets = assets.ToDictionary(a => a.Id);
    }

    public int Count => _assets.Count;

    public IEnumerable<AssetDefinition> All => _assets.Values;

    public bool TryGet(string assetId, [NotNullWhen(true)] out AssetDefinition? asset) => _assets.TryGetValue(assetId, out asset);

    public bool TryGet(ReadOnlySpan<char> assetId, [NotNullWhen(true)] out AssetDefinition? asset) => _assets.TryGetValue(assetId.ToString(), out asset);

    /// <summary>A pipeline that also has the issue 22 methane forecast: red (50 % LEL) within 5 min over 60 samples.</summary>
    public const string TrendAssetId = "gp-trend-1";

    public RuleSet For(AssetDefinition asset) => asset.Id == TrendAssetId
        ? Pipeline() with
        {
            Forecasts = [new ForecastRuleDefinition("ch4_lel.forecast", "ch4_lel", ThresholdDirection.Above, 50, 60, TimeSpan.FromMinutes(5), WarningLevel.Yellow)],
        }
        : asset.Kind == "elevator" ? Elevator() : Pipeline();

    private static RuleSet Elevator() => new(
        "elevator",
        [],
        new Dictionary<string, EventMapping> { ["entrapment"] = new("entrapment", WarningLevel.Red, TimeSpan.FromMinutes(30)) },
        new OfflineRuleDefinition(TimeSpan.FromSeconds(10), 3, WarningLevel.Blue));

    private static RuleSet Pipeline() => new("gas_pipeline", [new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", new ThresholdLadder(
                ThresholdDirection.Above,
                new Dictionary<WarningLevel, double> { [WarningLevel.Blue] = 5, [WarningLevel.Yellow] = 10, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 },
                0.9,
                new Dictionary<WarningLevel, TimeSpan>
                {
                    [WarningLevel.Blue] = TimeSpan.FromSeconds(10), [WarningLevel.Yellow] = TimeSpan.FromSeconds(10), [WarningLevel.Orange] = TimeSpan.FromSeconds(10),
                }))],
            new Dictionary<string, EventMapping>(), new OfflineRuleDefinition(TimeSpan.FromSeconds(5), 3, WarningLevel.Blue));

    private static AssetDefinition Asset(string id, string kind, string industry) => new(
        id, kind, "Test " + id, industry, Geometry.CreatePoint(new Coordinate(120.15, 30.25)), RiskColour.Blue, null, null, null, "d-test", null);
}

public sealed class RecordingSink : IRiskEventSink
{
    private readonly ConcurrentQueue<(AlertChangeKind Kind, AlertView Alert)> _alerts = new();
    private readonly ConcurrentQueue<AssetView> _assets = new();
    private readonly ConcurrentQueue<VehicleFix> _fixes = new();

    public IReadOnlyList<(AlertChangeKind Kind, AlertView Alert)> AlertsFor(string assetId) => [.. _alerts.Where(a => a.Alert.AssetId == assetId)];

    public IReadOnlyList<AssetView> AssetsFor(string assetId) => [.. _assets.Where(a => a.AssetId == assetId)];

    public void AlertChanged(AlertChangeKind kind, AlertView alert) => _alerts.Enqueue((kind, alert));

    public void AssetChanged(AssetView asset) => _assets.Enqueue(asset);

    public void VehicleMoved(VehicleFix fix) => _fixes.Enqueue(fix);

    public IReadOnlyList<VehicleFix> FixesFor(string vehicleId) => [.. _fixes.Where(f => f.VehicleId == vehicleId)];
}

public sealed class RecordingWriter : IReadingWriter
{
    private readonly ConcurrentQueue<ReadingPoint> _points = new();

    public IReadOnlyList<ReadingPoint> PointsFor(string assetId) => [.. _points.Where(p => p.AssetId == assetId)];

    public ValueTask WriteAsync(ReadingPoint point, CancellationToken cancellationToken = default)
    {
        _points.Enqueue(point);
        return ValueTask.CompletedTask;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public InfluxWriterStats GetStats() => new(_points.Count, _points.Count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, false);
}
