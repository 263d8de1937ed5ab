using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Grains.Assets;

/// <summary>What an asset grain persists: its evaluator's snapshot in wire-stable form. Ids are a storage contract.</summary>
[GenerateSerializer, Alias("rm.AssetGrainState.v1")]
public sealed class AssetGrainState
{
    [Id(0)] public DateTimeOffset? LastSeen { get; set; }

    [Id(1)] public DateTimeOffset? LastSampleAt { get; set; }

    [Id(2)] public bool ReportedOffline { get; set; }

    // Null until the first write: most activations never write (nothing to alert), and three empty collections in
    // every never-written state were 200 bytes per active asset (issue 5).
    [Id(3)] public Dictionary<string, ThresholdState>? Thresholds { get; set; }

    [Id(4)] public Dictionary<string, LatestReading>? Latest { get; set; }

    [Id(5)] public List<AlertView>? Alerts { get; set; }

    public static AssetGrainState From(AssetEvaluatorSnapshot snapshot, AssetIdentity identity) => new()
    {
        LastSeen = snapshot.LastSeen,
        LastSampleAt = snapshot.LastSampleAt,
        ReportedOffline = snapshot.ReportedOffline,
        Thresholds = snapshot.Thresholds.ToDictionary(
            t => t.Key, t => new ThresholdState(t.Value.Confirmed, t.Value.LastSampleAt, t.Value.LastValue, [.. t.Value.HeldSince])
            {
                SteadySince = t.Value.SteadySince,
                SpikeReportedIn = t.Value.SpikeReportedIn,
            }),
        Latest = snapshot.Latest.ToDictionary(l => l.Key, l => new LatestReading(l.Value.Value, l.Value.At)),
        Alerts = [.. snapshot.Alerts.Select(a => AlertView.From(a, identity))],
    };

    /// <summary>Null for a grain that never stored anything, so the evaluator starts fresh.</summary>
    public AssetEvaluatorSnapshot? ToSnapshot() => LastSeen is not { } lastSeen
        ? null
        : new AssetEvaluatorSnapshot(
            lastSeen,
            LastSampleAt,
            ReportedOffline,
            (Thresholds ?? []).ToDictionary(t => t.Key, t => new ThresholdRuleSnapshot(t.Value.Confirmed, t.Value.LastSampleAt, t.Value.LastValue, t.Value.HeldSince)
            {
                SteadySince = t.Value.SteadySince,
                SpikeReportedIn = t.Value.SpikeReportedIn,
            }),
            (Latest ?? []).ToDictionary(l => l.Key, l => new LatestValue(l.Value.Value, l.Value.At)),
            [.. (Alerts ?? []).Select(a => a.ToDomain())]);
}

[GenerateSerializer, Immutable, Alias("rm.ThresholdState.v1")]
public sealed record ThresholdState(
    [property: Id(0)] WarningLevel Confirmed,
    [property: Id(1)] DateTimeOffset? LastSampleAt,
    [property: Id(2)] double? LastValue,
    [property: Id(3)] DateTimeOffset?[] HeldSince)
{
    // Added for late readings (decision 0040a); absent (null) in states written before, which then judge no late reading
    // until the level next changes.
    [Id(4)] public DateTimeOffset? SteadySince { get; init; }

    [Id(5)] public DateTimeOffset? SpikeReportedIn { get; init; }
}
