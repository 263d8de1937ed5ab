using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Groups;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Grains.Groups;

/// <summary>
/// One activation per detector group (decision 0050): counts its members' agreement and judges their drift. Holds no
/// persisted state: every member reports on every sample of the metric, so a new activation knows the group again
/// within one reporting interval, and members keep the ceiling they were last told until then.
/// </summary>
internal sealed class DetectorGroupGrain(IRuleCatalog rules, ILogger<DetectorGroupGrain> logger) : Grain, IDetectorGroupGrain
{
    private DetectorGroup? _group;
    private long _rulesVersion = -1;

    public ValueTask Report(DetectorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (FollowRules() is not { } group)
        {
            GroupLog.UnknownGroup(logger, this.GetPrimaryKeyString(), report.AssetId);
            return ValueTask.CompletedTask;
        }

        if (group.Apply(report.AssetId, report.Level, report.Value, report.SampledAt) is not { } update)
        {
            return ValueTask.CompletedTask; // not (or no longer) a member: its own rules catch up on its next reading
        }

        var groupId = group.Definition.GroupId;
        if (update.TellCeiling.Count > 0)
        {
            GroupLog.Ceiling(logger, groupId, update.Ceiling, update.Agreeing, group.Definition.Count, report.AssetId);
            var ceiling = new GroupCeiling(groupId, update.Ceiling, update.Agreeing);
            foreach (var member in update.TellCeiling)
            {
                Tell(member, grain => grain.ApplyGroupCeiling(ceiling));
            }
        }

        if (update.Drift is { } d)
        {
            GroupLog.Drift(logger, groupId, d.MemberId, d.Drifting, d.Value, d.NeighbourMedian);
            Tell(d.MemberId, grain => grain.ApplyDrift(new GroupDrift(groupId, d.Drifting, d.Value, d.NeighbourMedian, d.Neighbours, d.Since, d.At)));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The group as the rules in force define it; a changed definition starts the count afresh, an unchanged one keeps it.</summary>
    private DetectorGroup? FollowRules()
    {
        if (rules.Version == _rulesVersion && _group is not null)
        {
            return _group;
        }

        _rulesVersion = rules.Version;
        var definition = rules.Group(this.GetPrimaryKeyString());
        if (definition is null)
        {
            _group = null;
        }
        else if (_group is null || _group.Definition.Canonical() != definition.Canonical())
        {
            _group = new DetectorGroup(definition);
        }

        return _group;
    }

    private void Tell(string member, Func<IAssetGrain, ValueTask> call)
    {
        try
        {
            // One-way: returns once sent, and a member that cannot be reached is told again by the next change.
            _ = call(GrainFactory.GetGrain<IAssetGrain>(member));
        }
        catch (Exception ex)
        {
            GroupLog.TellFailed(logger, ex, this.GetPrimaryKeyString(), member);
        }
    }
}

internal static partial class GroupLog
{
    [LoggerMessage(EventId = 2940, Level = LogLevel.Warning, Message = "Detector group {GroupId}: could not report to it from asset {AssetId}")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string groupId, string assetId);

    [LoggerMessage(EventId = 2941, Level = LogLevel.Warning, Message = "Detector group {GroupId}: could not tell member {AssetId}")]
    public static partial void TellFailed(ILogger logger, Exception exception, string groupId, string assetId);

    [LoggerMessage(EventId = 2942, Level = LogLevel.Debug, Message = "Detector group {GroupId} is not in the rules in force; report of {AssetId} ignored")]
    public static partial void UnknownGroup(ILogger logger, string groupId, string assetId);

    [LoggerMessage(EventId = 2943, Level = LogLevel.Information,
        Message = "Detector group {GroupId}: ceiling {Ceiling}, {Agreeing} of {Members} members agree (after a report of {AssetId})")]
    public static partial void Ceiling(ILogger logger, string groupId, WarningLevel ceiling, int agreeing, int members, string assetId);

    [LoggerMessage(EventId = 2944, Level = LogLevel.Information,
        Message = "Detector group {GroupId}: member {AssetId} drifting {Drifting} (reads {Value}, neighbours' median {Median})")]
    public static partial void Drift(ILogger logger, string groupId, string assetId, bool drifting, double value, double median);
}
