using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Groups;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Vehicles;
using RiskMonitor.Grains.Alerts;
using RiskMonitor.Grains.Groups;
using RiskMonitor.Grains.Regions;
using RiskMonitor.Grains.Responsibility;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.History;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Grains.Assets;

/// <summary>
/// One activation per registered asset. The grain owns identity, persistence, timing and messaging; every decision
/// is made by the pure <see cref="AssetEvaluator"/> inside it.
/// </summary>
[KeepAlive] // a silent asset must stay active, or nobody would notice that it went silent
internal sealed class AssetGrain(
    [PersistentState("asset", GrainStorage.Name)] IPersistentState<AssetGrainState> state,
    AssetGrainServices services) : Grain, IAssetGrain
{
    /// <summary>
    /// At most one grain state write per asset per second: the state is the rules' memory (alerts have their own
    /// journal), so a crash loses at most a second of it, and a flapping sensor cannot flood PostgreSQL.
    /// </summary>
    private static readonly TimeSpan StateWriteInterval = TimeSpan.FromSeconds(1);

    private readonly List<AlertChange> _changes = [];
    private AssetDefinition _asset = null!; // set in OnActivateAsync, before any call is delivered
    private AssetIdentity? _identity; // made when an alert needs it (see Identity), kept while the alert recorder holds it
    private AssetEvaluator _evaluator = null!; // idem
    private AlertRecorder? _alertRecorder; // kept from activation only while the store holds alerts of the asset, else made on first use
    private StateWriteBehind? _stateWriter; // made on the first write: most activations never write (issue 22: heap per asset)
    private int _quietSlot = -1;
    private long _rulesVersion;
    private WarningLevel? _regionReportDue;
    private Task _regionReporting = Task.CompletedTask;
    private GroupReporter? _groupReporter; // only for members of a detector group (decision 0050)

    // A drill activation (key {assetId}!{drillId}, decision 0042) runs the asset's own rules on injected readings only:
    // its alerts are the drill's, and it touches nothing real: no readings stored, no colour, no grid, no silence watch.
    private string? _drillId;
    private bool _drillRunning;
    private DateTimeOffset _drillCheckedAt = DateTimeOffset.MinValue;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        _drillId = DrillKey.DrillOf(id);
        if (!services.Registry.TryGet(DrillKey.AssetOf(id), out var asset))
        {
            // Ingestion never routes unknown assets here; reaching this is a bug or a stale registry.
            throw new InvalidOperationException($"Asset '{id}' is not in the registry.");
        }

        _asset = asset;
        // Alerts come back from the alert store, the system of record; grain state holds the rules' memory.
        var recorder = NewAlertRecorder();
        var snapshot = await recorder.RestoreAsync(id, state.State.ToSnapshot(), services.Time.GetUtcNow(), cancellationToken);
        // A recorder that remembers no alert is made again when one comes: most assets have none (issue 22: heap per asset).
        _alertRecorder = recorder.RemembersAlerts ? recorder : null;
        _identity = _alertRecorder is null ? null : _identity;
        _rulesVersion = services.Rules.Version; // read before the rules: a change in between is picked up by the next call
        _evaluator = AssetEvaluator.Restore(id, services.Rules.For(asset), snapshot, services.Time.GetUtcNow(), services.FlapPolicy);
        if (_drillId is not null)
        {
            return; // a drill has no device to fall silent and no colour on the map
        }

        // Silence is watched by the silo's one clock rather than a timer per grain (heap per active asset, issue 5);
        // cheap to rebuild, so not a reminder. An asset restored offline has nothing to watch until data arrives.
        // A restored asset gets one reporting interval of grace, as a device needs time to report after a restart.
        var grace = services.Time.GetUtcNow() + _evaluator.Rules.Offline.ReportingInterval;
        _quietSlot = services.QuietWatch.Register(id, _evaluator.QuietDeadline > grace ? _evaluator.QuietDeadline : grace);
        if (!_evaluator.Online)
        {
            services.QuietWatch.Disarm(_quietSlot);
        }

        // Grids start every asset at its inherent colour; one restored above none says so again (idempotent).
        if (_evaluator.Level != WarningLevel.None)
        {
            ReportLevelToRegions();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_quietSlot >= 0)
        {
            services.QuietWatch.Release(_quietSlot);
            _quietSlot = -1;
        }

        // Best effort: the rules' memory is worth keeping, but a deactivation must not hang on a store that is down.
        await (_stateWriter?.FlushAndStopAsync(TimeSpan.FromSeconds(5)) ?? Task.CompletedTask);
    }

    public async ValueTask Ingest(TelemetryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        PickUpRegistryChange();
        if (_drillId is not null && !await DrillRunningAsync())
        {
            return;
        }

        var before = Summary();
        var now = services.Time.GetUtcNow();
        FollowRuleChanges();
        foreach (var sample in batch.Samples)
        {
            _evaluator.ApplySample(sample.Timestamp, sample.Values.AsSpan(), now, _changes);
            if (_drillId is null && _evaluator.Rules.Groups.Count > 0)
            {
                (_groupReporter ??= new GroupReporter(GrainFactory, services.Logger)).Report(_asset.Id, _evaluator, sample.Timestamp, sample.Values.AsSpan());
            }

            if (_drillId is null)
            {
                // Every accepted reading is stored, also the late ones the rules ignore; a drill's are not measurements.
                await services.Readings.WriteAsync(new ReadingPoint(_asset.Id, _asset.Kind, _asset.RegionId, sample.Timestamp, sample.Values));
            }
        }

        await PublishAsync(before);
        // Alerts first, then (when configured) wait until the points are out of memory: the caller acknowledges the
        // MQTT message when this returns, so a crash after that must not be able to lose them.
        await services.Readings.WhenStoredAsync();
    }

    public async ValueTask IngestEvent(DeviceEvent deviceEvent)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        PickUpRegistryChange();
        if (_drillId is not null && !await DrillRunningAsync())
        {
            return;
        }

        var before = Summary();
        FollowRuleChanges();
        if (!_evaluator.ApplyEvent(deviceEvent.Code, deviceEvent.Active, deviceEvent.Timestamp, services.Time.GetUtcNow(), _changes)
            && !services.RescueSignals.IsArrivalCode(deviceEvent.Code))
        {
            AssetLog.UnknownEventCode(services.Logger, _asset.Id, deviceEvent.Code);
        }

        await PublishAsync(before);
        // A drill's entrapment has no rescue (decision 0042); a real one's arrival and release may come from the lift itself.
        if (_drillId is null && services.RescueSignals.StepOf(deviceEvent.Code, deviceEvent.Active) is { } step)
        {
            RescueSignalForwarding.Forward(GrainFactory, services.Logger, _asset.Id, _evaluator.Alerts, step, deviceEvent.Code);
        }
    }

    public async ValueTask SetStatus(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        PickUpRegistryChange();
        var before = Summary();
        FollowRuleChanges();
        _evaluator.ApplyStatus(status.Online, services.Time.GetUtcNow(), _changes);
        await PublishAsync(before);
    }

    public async ValueTask IngestPosition(VehiclePosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (!services.Fleet.TryGet(_asset.Id, out var vehicle))
        {
            AssetLog.PositionOfNoVehicle(services.Logger, _asset.Id);
            return;
        }

        PickUpRegistryChange();
        var before = Summary();
        var now = services.Time.GetUtcNow();
        var stale = _evaluator.LastSampleAt is { } last && position.Timestamp < last;
        ImmutableArray<MetricValue> values = position.SpeedKmh is { } speed
            ? [new("lon", position.Lon), new("lat", position.Lat), new("speed_kmh", speed)]
            : [new("lon", position.Lon), new("lat", position.Lat)];
        _evaluator.ApplySample(position.Timestamp, values.AsSpan(), now, _changes);
        await services.Readings.WriteAsync(new ReadingPoint(_asset.Id, _asset.Kind, _asset.RegionId, position.Timestamp, values));
        if (!stale)
        {
            // A late fix is stored, but the geofence judges where the vehicle is now, not where it was.
            foreach (var observation in services.Fleet.Observe(vehicle, position.Lon, position.Lat, _evaluator.Alerts, position.Timestamp, now))
            {
                _evaluator.ApplyObservation(observation, _changes);
            }
        }

        await PublishAsync(before);
        if (!stale)
        {
            services.Events.VehicleMoved(new VehicleFix(_asset.Id, position.Lon, position.Lat, position.SpeedKmh, position.Timestamp, _evaluator.Level,
                [.. _evaluator.Alerts.Where(a => a.ConditionActive).Select(a => a.RuleId)]));
        }

        await services.Readings.WhenStoredAsync(); // as for telemetry: the broker's ack then means stored
    }

    public ValueTask<AssetView> GetView() => ValueTask.FromResult(View());

    public async ValueTask<AlertActionResult> HandleAlert(AlertAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = services.Time.GetUtcNow();
        Func<Alert, (WorkflowOutcome, Alert)> step = action.Kind switch
        {
            AlertActionKind.Acknowledge => a => AlertWorkflow.Acknowledge(a, now),
            AlertActionKind.StartWork => a => AlertWorkflow.StartWork(a, now),
            AlertActionKind.Resolve => a => AlertWorkflow.Resolve(a, action.Cause, now),
            AlertActionKind.Assign => a => AlertWorkflow.Assign(a, action.Assignee ?? action.Actor, now),
            AlertActionKind.Comment => a => AlertWorkflow.Comment(a, now),
            AlertActionKind.Close => a => AlertWorkflow.Close(a, now),
            AlertActionKind.LinkIncident => a => AlertWorkflow.LinkIncident(a, action.IncidentId ?? "", now),
            AlertActionKind.EndDrill => a => Exercise.EndAlert(a, now),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Kind, "Unknown alert action."),
        };

        var (outcome, alert) = _evaluator.Handle(action.AlertId, step);
        if (alert is null)
        {
            return new AlertActionResult(AlertActionStatus.UnknownAlert, null);
        }

        var view = AlertView.From(alert, Identity);
        if (outcome != WorkflowOutcome.Done)
        {
            return new AlertActionResult(AlertActionStatus.NotAllowed, view);
        }

        AssetLog.AlertHandled(services.Logger, action.AlertId, action.Kind, action.Actor, alert.State);
        view = await AlertRecorder.RecordActionAsync(action, alert, now);
        services.Events.AlertChanged(AlertChangeKind.Updated, view);
        StateWriter.Request();
        return new AlertActionResult(AlertActionStatus.Done, view);
    }

    public async ValueTask<int> EndDrill(string actor)
    {
        if (_drillId is null)
        {
            return 0; // a real asset's alerts are never closed by a drill
        }

        _drillRunning = false;
        _drillCheckedAt = DateTimeOffset.MaxValue; // ended for good: no inject is taken after this
        var closed = 0;
        foreach (var alertId in _evaluator.Alerts.Where(a => !a.IsClosed).Select(a => a.AlertId).ToList())
        {
            var result = await HandleAlert(new AlertAction(alertId, AlertActionKind.EndDrill, actor, $"drill {_drillId} ended"));
            closed += result.Status == AlertActionStatus.Done ? 1 : 0;
        }

        DeactivateOnIdle();
        return closed;
    }

    /// <summary>Whether the drill still takes injects, asked of the drill store at most once a second.</summary>
    private async Task<bool> DrillRunningAsync()
    {
        var now = services.Time.GetUtcNow();
        if (_drillCheckedAt != DateTimeOffset.MaxValue && now - _drillCheckedAt >= TimeSpan.FromSeconds(1))
        {
            _drillRunning = (await services.Drills.FindAsync(_drillId!)) is { IsRunning: true };
            _drillCheckedAt = now;
        }

        if (!_drillRunning)
        {
            // Marked for a drill that is not running (ended, never started, unknown): neither a drill alert nor a real one.
            AssetLog.DrillInjectRefused(services.Logger, _asset.Id, _drillId!);
        }

        return _drillRunning;
    }

    public async ValueTask ApplyGroupCeiling(GroupCeiling ceiling)
    {
        ArgumentNullException.ThrowIfNull(ceiling);
        var before = Summary();
        FollowRuleChanges();
        _evaluator.ApplyGroupCeiling(ceiling.GroupId, ceiling.Ceiling, ceiling.Agreeing, services.Time.GetUtcNow(), _changes);
        await PublishAsync(before);
    }

    public async ValueTask ApplyDrift(GroupDrift drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        var before = Summary();
        FollowRuleChanges();
        _evaluator.ApplyDrift(
            drift.GroupId, new Domain.Rules.Groups.DriftVerdict(_asset.Id, drift.Drifting, drift.Value, drift.NeighbourMedian, drift.Neighbours, drift.Since, drift.At),
            services.Time.GetUtcNow(), _changes);
        await PublishAsync(before);
    }

    public async ValueTask CheckQuiet()
    {
        var before = Summary();
        FollowRuleChanges();
        _evaluator.CheckQuiet(services.Time.GetUtcNow(), _changes);
        await PublishAsync(before);
    }

    /// <summary>
    /// Rules changed over the API apply from the asset's next call, on whichever node it lives (docs/decisions/0043):
    /// one number compared per call; the evaluator is rebuilt only when this asset's own rules differ, so a change to
    /// another kind leaves its trend windows alone.
    /// </summary>
    private void FollowRuleChanges()
    {
        var version = services.Rules.Version;
        if (version == _rulesVersion)
        {
            return;
        }

        _rulesVersion = version;
        var next = services.Rules.For(_asset);
        var changes = RuleSetChanges.Between(_evaluator.Rules, next);
        if (changes.IsEmpty)
        {
            return;
        }

        _evaluator = _evaluator.Reconfigure(next, services.Time.GetUtcNow(), services.FlapPolicy, _changes);
        AssetLog.RulesChanged(services.Logger, _asset.Id, version, changes.Added.Count, changes.Removed.Count, changes.Changed.Count);
    }

    private void RearmQuietWatch()
    {
        if (_quietSlot < 0)
        {
            return; // a drill activation is not watched
        }

        if (_evaluator.Online)
        {
            services.QuietWatch.Arm(_quietSlot, _evaluator.QuietDeadline);
        }
        else
        {
            services.QuietWatch.Disarm(_quietSlot);
        }
    }

    /// <summary>
    /// The registry changed this asset over the API (docs/decisions/0041-live-registry.md): from this reading on it is
    /// judged by its new definition (kind, rules, reporting interval) and its alerts name it as it now is. The rules'
    /// memory carries over (<see cref="AssetEvaluator.Restore"/> keeps what still applies); a retired asset keeps its
    /// last definition until it is idle, as ingestion no longer routes readings to it.
    /// </summary>
    private void PickUpRegistryChange()
    {
        if (!services.Registry.TryGet(_asset.Id, out var current) || current.Revision == _asset.Revision)
        {
            return;
        }

        _asset = current;
        _identity = null;
        if (_alertRecorder is not null)
        {
            _alertRecorder.Identity = Identity;
        }

        // The grain's own key, not the asset id: a drill key's alerts must keep the drill in their ids (decision 0042).
        _evaluator = AssetEvaluator.Restore(this.GetPrimaryKeyString(), services.Rules.For(current), _evaluator.Snapshot(), services.Time.GetUtcNow(), services.FlapPolicy);
        AssetLog.DefinitionChanged(services.Logger, current.Id, current.Revision);
    }

    private (WarningLevel Level, bool Online) Summary() => (_evaluator.Level, _evaluator.Online);

    private async Task PublishAsync((WarningLevel Level, bool Online) before)
    {
        RearmQuietWatch(); // after every call: data moves the deadline, an offline alert stops the watch
        if (_changes.Count == 0)
        {
            return; // most batches change nothing, so skip the write and the fan-out
        }

        // Record first: a change clients have seen must survive a restart. The alert store (the journal, durable on
        // local disk) is the system of record, so clients are told as soon as it has the change; the grain's own state
        // (the rules' memory) is written behind, and PostgreSQL gets the change from the journal's writer.
        await AlertRecorder.RecordConditionChangesAsync(_changes, services.Time.GetUtcNow());
        foreach (var change in _changes)
        {
            AssetLog.AlertChanged(services.Logger, _asset.Id, change.Alert.RuleId, change.Kind, change.Alert.Level);
            services.Events.AlertChanged(change.Kind, AlertView.From(change.Alert, Identity));
        }

        _changes.Clear();
        StateWriter.Request();
        if (_drillId is not null)
        {
            return; // a drill's alerts are pushed, marked; the asset's colour, history and grids stay what is real
        }

        if (Summary() != before)
        {
            services.Events.AssetChanged(View());
        }

        if (_evaluator.Level != before.Level)
        {
            // For the risk snapshot at a past time; queued, never awaited: the map and alerts must not wait for it.
            services.LevelHistory.Record(new AssetLevelChange(_asset.Id, _evaluator.Level, RiskLevels.ColourOf(_asset.InherentLevel, _evaluator.Level), services.Time.GetUtcNow()));
            ReportLevelToRegions();
        }
    }

    /// <summary>
    /// Tells the grids the asset's level without holding up the reading: a region grain that is activating reads its
    /// state from PostgreSQL, which may be slow or frozen (issue 17), and the dispatcher lane must not wait for that.
    /// One report in flight at a time, the newest level next, so the grids see this asset's levels in order.
    /// </summary>
    private void ReportLevelToRegions()
    {
        _regionReportDue = _evaluator.Level;
        if (_regionReporting.IsCompleted)
        {
            _regionReporting = ReportLevelLoopAsync();
        }
    }

    private async Task ReportLevelLoopAsync()
    {
        while (_regionReportDue is { } level)
        {
            _regionReportDue = null;
            await RegionReporter.ReportAsync(GrainFactory, _asset, level, services.Logger);
        }
    }

    // Runs from the write-behind loop: the state is taken as it is when the write starts.
    private AlertRecorder AlertRecorder => _alertRecorder ??= NewAlertRecorder();

    /// <summary>
    /// What an alert says of its asset, made when one needs it: an asset without alerts does not keep it (48 B of each
    /// active asset, issue 22). Dropped when the registry changes the asset, so the next one says the new.
    /// </summary>
    private AssetIdentity Identity => _identity ??= new AssetIdentity(_asset.Name, _asset.Kind, _asset.Industry, _asset.RegionId);

    private AlertRecorder NewAlertRecorder() => new(
        services.AlertStore, Identity, services.AfterRecord, () => this.DeactivateOnIdle());

    /// <summary>
    /// The state's writer, made on first use: a quiet asset (the usual one) never writes, and a writer with its two
    /// delegates and its cancellation source was about 300 B of every active asset (issue 22: heap per asset &lt;= 4 KB).
    /// </summary>
    private StateWriteBehind StateWriter => _stateWriter ??= new StateWriteBehind(
        WriteStateAsync, () => state.ReadStateAsync(), services.Time, services.Logger, this.GetPrimaryKeyString(), StateWriteInterval);

    private Task WriteStateAsync()
    {
        state.State = AssetGrainState.From(_evaluator.Snapshot(), Identity);
        return state.WriteStateAsync();
    }

    private AssetView View() => new(
        _asset.Id,
        _asset.Name,
        _asset.Kind,
        _asset.Industry,
        _asset.RegionId,
        _asset.InherentLevel,
        _evaluator.Level,
        RiskLevels.ColourOf(_asset.InherentLevel, _evaluator.Level),
        _evaluator.Online,
        _evaluator.LastSeen,
        _evaluator.LastSampleAt,
        _evaluator.Latest.ToImmutableDictionary(l => l.Key, l => new LatestReading(l.Value.Value, l.Value.At)),
        [.. _evaluator.Alerts.Select(a => AlertView.From(a, Identity))]);
}

internal static partial class AssetLog
{
    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Asset {AssetId} sent a position but is not a registered hazmat vehicle")]
    public static partial void PositionOfNoVehicle(ILogger logger, string assetId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Asset {AssetId} rule {RuleId}: alert {Change} at {Level}")]
    public static partial void AlertChanged(ILogger logger, string assetId, string ruleId, AlertChangeKind change, WarningLevel level);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Asset {AssetId} sent event code {Code}, which its rules do not map")]
    public static partial void UnknownEventCode(ILogger logger, string assetId, string code);

    [LoggerMessage(EventId = 2800, Level = LogLevel.Information,
        Message = "Asset {AssetId} takes rules version {Version}: {Added} rule(s) added, {Removed} removed, {Changed} changed")]
    public static partial void RulesChanged(ILogger logger, string assetId, long version, int added, int removed, int changed);

    [LoggerMessage(EventId = 2790, Level = LogLevel.Warning, Message = "Asset {AssetId}: inject for drill {DrillId} refused, the drill is not running")]
    public static partial void DrillInjectRefused(ILogger logger, string assetId, string drillId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Alert {AlertId}: {Action} by {Actor}, now {State}")]
    public static partial void AlertHandled(ILogger logger, string alertId, AlertActionKind action, string actor, AlertState state);

    [LoggerMessage(EventId = 2780, Level = LogLevel.Information, Message = "Asset {AssetId} takes revision {Revision} of its registry record")]
    public static partial void DefinitionChanged(ILogger logger, string assetId, int revision);
}

/// <summary>
/// The silo's services an asset grain uses, in one shared object: taken one by one they were 13 references in every
/// asset grain, 104 B of each active asset (issue 22: heap per active asset &lt;= 4 KB). Registered with the silence
/// clock (<see cref="QuietAssetWatchServices.AddQuietAssetWatch"/>), which every host of asset grains adds.
/// </summary>
internal sealed class AssetGrainServices(
    IAssetRegistry registry,
    IRuleCatalog rules,
    IReadingWriter readings,
    IRiskEventSink events,
    TimeProvider time,
    ILogger<AssetGrain> logger,
    IAlertStore alertStore,
    QuietAssetWatch quietWatch,
    FlapPolicy flapPolicy,
    IAssetLevelHistory levelHistory,
    HazmatFleet fleet,
    IDrillStore drills,
    RescueSignals rescueSignals,
    IGrainFactory grains)
{
    public IAssetRegistry Registry => registry;

    /// <summary>
    /// The hook after an alert is recorded: it depends only on the silo, so the activations share one (a closure each
    /// was another 96 B per active asset).
    /// </summary>
    public Action<AlertView, AlertView?> AfterRecord { get; } = AlertHooks.AfterRecord(grains, logger);

    public IRuleCatalog Rules => rules;

    public IReadingWriter Readings => readings;

    public IRiskEventSink Events => events;

    public TimeProvider Time => time;

    public ILogger<AssetGrain> Logger => logger;

    public IAlertStore AlertStore => alertStore;

    public QuietAssetWatch QuietWatch => quietWatch;

    public FlapPolicy FlapPolicy => flapPolicy;

    public IAssetLevelHistory LevelHistory => levelHistory;

    public HazmatFleet Fleet => fleet;

    public IDrillStore Drills => drills;

    public RescueSignals RescueSignals => rescueSignals;
}
