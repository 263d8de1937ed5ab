namespace RiskMonitor.Grains.Escalation;

/// <summary>What an escalation grain persists. Ids are a storage contract.</summary>
[GenerateSerializer, Alias("rm.AlertEscalationState.v1")]
public sealed class AlertEscalationState
{
    [Id(0)] public bool Tracking { get; set; }

    [Id(1)] public DateTimeOffset? OpenSince { get; set; }

    [Id(2)] public int StepsFired { get; set; }

    [Id(3)] public DateTimeOffset? LastFiredAt { get; set; }

    /// <summary>The clock is held until then by a silence (docs/decisions/0017-noise-control.md); null when never held.</summary>
    [Id(4)] public DateTimeOffset? HeldUntil { get; set; }

    /// <summary>The silence that last held a step (its ledger line is written once per silence).</summary>
    [Id(5)] public string? HeldBy { get; set; }
}
