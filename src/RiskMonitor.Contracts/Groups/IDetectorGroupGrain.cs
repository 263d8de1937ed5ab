using RiskMonitor.Domain;

namespace RiskMonitor.Contracts.Groups;

/// <summary>
/// One activation per detector group of the rules in force (a site's or a pipeline segment's detectors, decision 0050),
/// keyed by group id. Members report their level and value; the group answers each member it concerns through
/// <see cref="Assets.IAssetGrain.ApplyGroupCeiling"/> and <see cref="Assets.IAssetGrain.ApplyDrift"/>.
/// </summary>
[Alias("rm.IDetectorGroupGrain")]
public interface IDetectorGroupGrain : IGrainWithStringKey
{
    [Alias("Report")]
    ValueTask Report(DetectorReport report);
}

/// <summary>A member's level on the group's corroborated rule (before the group's cap) and its value of the metric, if the sample had it.</summary>
[GenerateSerializer, Immutable, Alias("rm.DetectorReport.v1")]
public sealed record DetectorReport(
    [property: Id(0)] string AssetId,
    [property: Id(1)] WarningLevel Level,
    [property: Id(2)] double? Value,
    [property: Id(3)] DateTimeOffset SampledAt);

/// <summary>How high the group's corroborated alarm may go now, and how many members are there.</summary>
[GenerateSerializer, Immutable, Alias("rm.GroupCeiling.v1")]
public sealed record GroupCeiling(
    [property: Id(0)] string GroupId,
    [property: Id(1)] WarningLevel Ceiling,
    [property: Id(2)] int Agreeing);

/// <summary>The member started or stopped drifting from its neighbours.</summary>
[GenerateSerializer, Immutable, Alias("rm.GroupDrift.v1")]
public sealed record GroupDrift(
    [property: Id(0)] string GroupId,
    [property: Id(1)] bool Drifting,
    [property: Id(2)] double Value,
    [property: Id(3)] double NeighbourMedian,
    [property: Id(4)] int Neighbours,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] DateTimeOffset At);
