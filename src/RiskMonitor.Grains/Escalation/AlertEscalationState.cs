namespace RiskMonitor.Grains.Escalation;

/// <summary>What an escalation grain persists. Ids are a storage contract.</summary>
[GenerateSerializer, Alias("rm.AlertEscalationState.v1")]
public sealed class AlertEscalationState
{
    [Id(0)] public bool Tracking { get; set; }

    [Id(1)] public DateTimeOffset? OpenSince { get; set; }

    [Id(2)] public int StepsFired { get; set; }

    [Id(3)] public DateTimeOffset? LastFiredAt { get; set; }
}
