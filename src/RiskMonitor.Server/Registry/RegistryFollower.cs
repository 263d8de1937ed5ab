using Microsoft.Extensions.Options;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Regions;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Registry;

/// <summary>
/// Keeps this node's <see cref="LiveRegistry"/> equal to the registry in PostgreSQL (docs/decisions/0041-live-registry.md):
/// at start it loads the changes made over the API before ingestion and the silo start (hosted services start in
/// order), then polls the registry's change counter every <see cref="LiveRegistryOptions.PollInterval"/> and, when it
/// moved, loads the changes, rebuilds the registry in force and publishes it; the region read model is rebuilt from the alert
/// board's levels in the same step. A write through this node publishes at once (<see cref="RefreshAsync"/>).
/// </summary>
internal sealed class RegistryFollower(
    LiveRegistry live, IRegistryFeatureStore store, RegionReadModel regions, AlertReadModel alerts, IOptions<LiveRegistryOptions> options, TimeProvider time,
    ILogger<RegistryFollower> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _refused = -1; // a version that would not build: tried once, logged once, not every poll

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Alerting must not wait for the registry's changes: the seed serves until the poll gets them.
            RegistryLog.LoadFailed(logger, ex);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Loads and publishes the registry when its change counter differs from the one in force here.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var version = await store.VersionAsync(cancellationToken);
            if (version == live.Overlay.Version || version == _refused)
            {
                return;
            }

            var overlay = await store.LoadAsync(cancellationToken);
            var started = time.GetTimestamp();
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            RiskMapData data;
            try
            {
                data = live.Sources.Build(live.Sources.Assets(overlay), live.Sources.Regions(overlay), overlay, today);
            }
            catch (RegistryException ex)
            {
                // Every write was checked against the registry it made, so this is a seed file changed under the
                // changes since (a restart with a new file): keep what is in force and say why, once.
                _refused = overlay.Version;
                RegistryLog.BuildRefused(logger, overlay.Version, ex.Message);
                return;
            }

            live.Publish(data, overlay);
            regions.Replace(data.Map, alerts.LevelOf);
            RegistryLog.Published(logger, overlay.Version, overlay.Features.Count, data.Registry.Count, time.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RegistryLog.LoadFailed(logger, ex);
            }
        }
    }
}

internal sealed class LiveRegistryOptions
{
    public const string SectionName = "LiveRegistry";

    /// <summary>
    /// How often each node asks whether the registry changed (one indexed single-row read). A change made through a node
    /// is in force there at once and on the others within this.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Years between assessments of an inherent level, per asset kind or region level; others take <see cref="ReassessEveryYears"/>.</summary>
    public Dictionary<string, int> ReassessEveryYearsByKind { get; set; } = new(StringComparer.Ordinal) { ["hazard_source"] = 3 };

    /// <summary>5 years: the default period of an area's risk assessment.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 50)]
    public int ReassessEveryYears { get; set; } = 5;
}

internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 4780, Level = LogLevel.Information,
        Message = "Registry version {Version} in force: {ChangedCount} features changed since the seed, {AssetCount} assets, built in {ElapsedMs:0.0} ms")]
    public static partial void Published(ILogger logger, long version, int changedCount, int assetCount, double elapsedMs);

    [LoggerMessage(EventId = 4781, Level = LogLevel.Warning, Message = "Could not load the registry's changes; the registry in force stays as it is and the next poll tries again")]
    public static partial void LoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4783, Level = LogLevel.Error, Message = "Registry version {Version} does not build, the registry in force stays as it is: {Problems}")]
    public static partial void BuildRefused(ILogger logger, long version, string problems);

    [LoggerMessage(EventId = 4782, Level = LogLevel.Information, Message = "Registry {Layer} {Id} {What} by {Actor} (version {Version})")]
    public static partial void Changed(ILogger logger, string layer, string id, string what, string actor, int version);

    [LoggerMessage(EventId = 4970, Level = LogLevel.Information, Message = "Registry import of {Count} {Layer} features by {Actor}: {CreatedCount} created, the rest replaced")]
    public static partial void Imported(ILogger logger, string layer, int count, int createdCount, string actor);
}
