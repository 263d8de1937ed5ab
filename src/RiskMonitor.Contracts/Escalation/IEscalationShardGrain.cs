using RiskMonitor.Contracts.Alerts;

namespace RiskMonitor.Contracts.Escalation;

/// <summary>
/// Keeps the escalation clocks of the open alerts whose ids hash to it (<see cref="EscalationClocks.ShardOf"/>): one
/// durable reminder and one persisted state per shard, not per alert, so an alert storm costs PostgreSQL nothing per
/// alert (docs/decisions/0034-escalation-clock-shards.md). Fires the steps of the escalation policy until each alert
/// is acknowledged.
/// </summary>
[Alias("rm.IEscalationShardGrain")]
public interface IEscalationShardGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Starts, moves or stops the clock of one alert. <paramref name="openedAt"/> is when it (re)entered open: the raise,
    /// or a re-open after resolving; null keeps the clock already running (a severity change, the sweep). An alert
    /// that is not open stops its clock. Idempotent.
    /// </summary>
    [Alias("Track")]
    ValueTask Track(AlertView alert, DateTimeOffset? openedAt);

    /// <summary>The sweep: <see cref="Track"/> with no opening time for each of these alerts (all of this shard).</summary>
    [Alias("TrackAll")]
    ValueTask TrackAll(IReadOnlyList<AlertView> alerts);

    /// <summary>Evaluates the policy for one alert now: what its timer does, and what a silence change or a test calls.</summary>
    [Alias("Check")]
    ValueTask<EscalationStatus> Check(string alertId);

    [Alias("GetStatus")]
    ValueTask<EscalationStatus> GetStatus(string alertId);
}

/// <summary>How an alert finds its clock.</summary>
public static class EscalationClocks
{
    /// <summary>
    /// The number of shards. A storage contract in effect: changing it moves clocks to other shards, which the
    /// escalation sweep repairs (each shard drops what no longer hashes to it), so change it only with a restart.
    /// </summary>
    public const int ShardCount = 32;

    /// <summary>A stable hash of the alert id (FNV-1a over UTF-16 code units): the same on every node and every run.</summary>
    public static int ShardOf(string alertId)
    {
        ArgumentNullException.ThrowIfNull(alertId);
        var hash = 2166136261u;
        foreach (var c in alertId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % ShardCount);
    }

    public static EscalationClockRef For(this IGrainFactory grains, string alertId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return new EscalationClockRef(grains.Cached<IEscalationShardGrain>(ShardOf(alertId)), alertId);
    }
}

/// <summary>One alert's clock in its shard: what callers that think per alert hold.</summary>
public readonly record struct EscalationClockRef(IEscalationShardGrain Shard, string AlertId)
{
    public ValueTask<EscalationStatus> Check() => Shard.Check(AlertId);

    public ValueTask<EscalationStatus> GetStatus() => Shard.GetStatus(AlertId);
}

/// <param name="Tracking">False once the alert was acknowledged (or never escalates).</param>
[GenerateSerializer, Immutable, Alias("rm.EscalationStatus.v1")]
public sealed record EscalationStatus(
    [property: Id(0)] string AlertId,
    [property: Id(1)] bool Tracking,
    [property: Id(2)] DateTimeOffset? OpenSince,
    [property: Id(3)] int StepsFired,
    [property: Id(4)] DateTimeOffset? LastFiredAt,
    [property: Id(5)] DateTimeOffset? NextDue)
{
    public static EscalationStatus NotTracking(string alertId) => new(alertId, false, null, 0, null, null);
}
