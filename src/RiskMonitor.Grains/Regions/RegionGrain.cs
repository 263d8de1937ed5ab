using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RiskMonitor.Contracts;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Grains.Regions;

/// <summary>
/// One activation per region. The pure <see cref="RegionRollup"/> inside does the counting; the grain starts it from
/// the <see cref="RegionMap"/> (every asset at its inherent colour, so no asset grain is activated to fill the
/// inherent layer), applies what it persisted, and tells its parent and the fan-out when its summary changes.
/// </summary>
/// <remarks>
/// The push to the parent is coalesced: while one push is in flight, further changes only mark the summary dirty, and
/// the next push carries the newest summary. An alert storm therefore costs the city grain one call per child per
/// round trip, not one per asset change. Summaries are absolute, so a lost or repeated push is mended by the next.
/// </remarks>
internal sealed class RegionGrain(
    [PersistentState("region", GrainStorage.Name)] IPersistentState<RegionGrainState> state,
    RegionMap map,
    IRegionMapSource maps,
    IRegionEventSink events,
    TimeProvider time,
    ILogger<RegionGrain> logger) : Grain, IRegionGrain
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>A city or district grain changes with every asset below it; one write a second is plenty for a roll-up.</summary>
    private static readonly TimeSpan StateWriteInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle activation looks whether the map in force changed (a reference compare).</summary>
    private static readonly TimeSpan MapCheckInterval = TimeSpan.FromSeconds(2);

    private RegionRollup _rollup = new();
    private RegionMap _map = map;
    private string _id = null!; // set in OnActivateAsync, before any call is delivered
    private RegionDefinition? _definition;
    private long _version;
    private DateTimeOffset _updatedAt;
    private bool _dirty;
    private bool _pushing;
    private StateWriteBehind _stateWriter = null!; // set in OnActivateAsync
    private Dictionary<string, RegionAssetReport> _assets = null!; // idem: the live copy; the stored one is written behind
    private Dictionary<string, StoredTally> _children = null!; // idem

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        _stateWriter = new StateWriteBehind(WriteStateAsync, () => state.ReadStateAsync(), time, logger, _id, StateWriteInterval);
        _assets = new Dictionary<string, RegionAssetReport>(state.State.Assets, StringComparer.Ordinal);
        _children = new Dictionary<string, StoredTally>(state.State.Children, StringComparer.Ordinal);
        _map.Index.TryGet(_id, out _definition);
        foreach (var member in _map.MembersOf(_id))
        {
            _rollup.ReportAsset(member, WarningLevel.None);
        }

        foreach (var child in _map.Index.ChildrenOf(_id))
        {
            _rollup.ReportChild(child, _children.GetValueOrDefault(child)?.ToDomain() ?? _map.InitialTallyOf(child));
        }

        foreach (var report in _assets.Values)
        {
            _rollup.ReportAsset(report.ToMember(), report.Level);
        }

        _updatedAt = time.GetUtcNow();
        if (_rollup.Tally != _map.InitialTallyOf(_id))
        {
            // The parent may have missed the last push (a crash between our write and it): summaries are absolute,
            // so pushing again is harmless.
            SchedulePush();
        }

        // A registry change must reach a region that hears nothing else (decision 0048): not kept alive by this.
        this.RegisterGrainTimer(static (grain, _) => grain.FollowMapAsync(), this,
            new GrainTimerCreationOptions(MapCheckInterval, MapCheckInterval) { KeepAlive = false });
        return Task.CompletedTask;
    }

    /// <summary>
    /// The map in force changed (a region renamed, moved or added, an asset moved or re-rated over the registry API):
    /// the roll-up restarts from the new map with the levels its assets last reported, drops assets and children that
    /// are no longer its own, and tells its (possibly new) parent and the wall. An asset moved in from another grid
    /// counts at its inherent colour until it next reports a level.
    /// </summary>
    private Task FollowMapAsync()
    {
        var current = maps.Current;
        if (ReferenceEquals(current, _map))
        {
            return Task.CompletedTask;
        }

        _map = current;
        _map.Index.TryGet(_id, out _definition);
        var members = _map.MembersOf(_id);
        var memberIds = members.Select(m => m.AssetId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _assets.Keys.Where(id => !memberIds.Contains(id)).ToList())
        {
            _assets.Remove(gone);
        }

        var children = _map.Index.ChildrenOf(_id).ToList();
        foreach (var gone in _children.Keys.Except(children, StringComparer.Ordinal).ToList())
        {
            _children.Remove(gone);
        }

        _rollup = new RegionRollup();
        foreach (var member in members)
        {
            _rollup.ReportAsset(member, _assets.TryGetValue(member.AssetId, out var report) ? report.Level : WarningLevel.None);
        }

        foreach (var child in children)
        {
            _rollup.ReportChild(child, _children.GetValueOrDefault(child)?.ToDomain() ?? _map.InitialTallyOf(child));
        }

        RegionLog.MapFollowed(logger, _id, members.Length, children.Count);
        return ChangedAsync();
    }

    public async ValueTask ReportAsset(RegionAssetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        await FollowMapAsync();
        if (!_rollup.ReportAsset(report.ToMember(), report.Level))
        {
            // The colour did not move (a yellow warning on a red hazard source), but the level is remembered.
            _assets[report.AssetId] = report;
            return;
        }

        _assets[report.AssetId] = report;
        await ChangedAsync();
    }

    public async ValueTask ReportChild(string childId, RegionTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        await FollowMapAsync();
        if (!_rollup.ReportChild(childId, tally))
        {
            return;
        }

        _children[childId] = StoredTally.From(tally);
        await ChangedAsync();
    }

    public async ValueTask<RegionSummary> GetSummary()
    {
        await FollowMapAsync();
        return Summary();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _stateWriter?.FlushAndStopAsync(TimeSpan.FromSeconds(5)) ?? Task.CompletedTask;

    // The storage serialises the state after its own awaits, while later calls may already change the live
    // dictionaries: it gets copies (the values are immutable, so shallow copies suffice).
    private Task WriteStateAsync()
    {
        state.State = new RegionGrainState
        {
            Assets = new Dictionary<string, RegionAssetReport>(_assets, StringComparer.Ordinal),
            Children = new Dictionary<string, StoredTally>(_children, StringComparer.Ordinal),
        };
        return state.WriteStateAsync();
    }

    // Written behind (StateWriteBehind): the map must move while PostgreSQL is slow or down. Summaries are absolute and
    // an asset grain reports its level again on activation, so a state a crash did not write is mended.
    private Task ChangedAsync()
    {
        _version++;
        _updatedAt = time.GetUtcNow();
        _stateWriter.Request();
        var summary = Summary();
        RegionLog.Changed(logger, _id, summary.Colour, summary.Tally.Dynamic.Counts.Total);
        events.RegionChanged(summary);
        SchedulePush();
        return Task.CompletedTask;
    }

    private void SchedulePush()
    {
        if (_definition?.ParentId is null)
        {
            return; // the city, or a region outside the hierarchy (flat mode)
        }

        _dirty = true;
        if (!_pushing)
        {
            _pushing = true;
            // Not awaited: the caller (an asset, a child) does not wait for the whole chain. The loop runs on this
            // activation's scheduler, so it never runs in parallel with a call; it may interleave at its awaits,
            // which the flags allow for.
            _ = PushLoopAsync(_definition.ParentId);
        }
    }

    private async Task PushLoopAsync(string parentId)
    {
        try
        {
            while (_dirty)
            {
                _dirty = false;
                try
                {
                    await GrainFactory.Cached<IRegionGrain>(parentId).ReportChild(_id, _rollup.Tally);
                }
                catch (Exception ex)
                {
                    RegionLog.PushFailed(logger, ex, _id, parentId);
                    _dirty = true;
                    await Task.Delay(RetryDelay, time);
                }
            }
        }
        finally
        {
            _pushing = false;
        }
    }

    private RegionSummary Summary() => new(
        _id,
        _definition?.Name ?? _id,
        _definition?.Level ?? RegionLevel.Grid,
        _definition?.ParentId,
        _definition?.Supervisor,
        _rollup.Tally,
        _version,
        _updatedAt,
        _map.Index.AreaLevelOf(_id));
}

internal static partial class RegionLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Region {RegionId} now {Colour} with {AssetCount} assets")]
    public static partial void Changed(ILogger logger, string regionId, RiskColour? colour, int assetCount);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Region {RegionId} could not report to its parent {ParentId}; retrying")]
    public static partial void PushFailed(ILogger logger, Exception exception, string regionId, string parentId);

    [LoggerMessage(EventId = 2930, Level = LogLevel.Information, Message = "Region {RegionId} follows the changed registry: {AssetCount} assets, {ChildCount} child regions")]
    public static partial void MapFollowed(ILogger logger, string regionId, int assetCount, int childCount);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Asset {AssetId} could not report its level to region {RegionId}")]
    public static partial void AssetReportFailed(ILogger logger, Exception exception, string assetId, string regionId);
}
