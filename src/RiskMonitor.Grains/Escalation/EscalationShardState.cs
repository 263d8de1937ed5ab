using RiskMonitor.Domain;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Grains.Escalation;

/// <summary>What an escalation shard persists: the clocks it runs, by alert id. Ids are a storage contract.</summary>
[GenerateSerializer, Alias("rm.EscalationShardState.v1")]
public sealed class EscalationShardState
{
    [Id(0)] public Dictionary<string, StoredEscalationClock> Clocks { get; set; } = [];
}

/// <summary>The stored form of an <see cref="EscalationClock"/>.</summary>
[GenerateSerializer, Immutable, Alias("rm.StoredEscalationClock.v1")]
public sealed record StoredEscalationClock(
    [property: Id(0)] WarningLevel Severity,
    [property: Id(1)] DateTimeOffset OpenSince,
    [property: Id(2)] int StepsFired,
    [property: Id(3)] DateTimeOffset? LastFiredAt,
    [property: Id(4)] DateTimeOffset? HeldUntil,
    [property: Id(5)] string? HeldBy)
{
    public static StoredEscalationClock From(EscalationClock clock) =>
        new(clock.Severity, clock.OpenSince, clock.StepsFired, clock.LastFiredAt, clock.HeldUntil, clock.HeldBy);

    public EscalationClock ToClock() => new(Severity, OpenSince, StepsFired, LastFiredAt, HeldUntil, HeldBy);
}
