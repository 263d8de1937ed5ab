using RiskMonitor.Contracts.Alerts;

namespace RiskMonitor.Contracts.Escalation;

/// <summary>
/// One activation per alert that is (or was) waiting for an acknowledgement, keyed by the alert id. It holds the
/// escalation's durable timer (an Orleans reminder) and fires the steps of the escalation policy until the alert is
/// acknowledged.
/// </summary>
[Alias("rm.IAlertEscalationGrain")]
public interface IAlertEscalationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts or updates tracking of an open alert. <paramref name="openedAt"/> is when it (re)entered open: the
    /// raise, or a re-open after resolving; null keeps the clock already running (a severity change). Idempotent.
    /// </summary>
    [Alias("Track")]
    ValueTask Track(AlertView alert, DateTimeOffset? openedAt);

    /// <summary>Evaluates the policy now: what the reminder does on every tick, and what tests call after moving the clock.</summary>
    [Alias("Check")]
    ValueTask<EscalationStatus> Check();

    [Alias("GetStatus")]
    ValueTask<EscalationStatus> GetStatus();
}

/// <param name="Tracking">False once the alert was acknowledged (or never escalates).</param>
[GenerateSerializer, Immutable, Alias("rm.EscalationStatus.v1")]
public sealed record EscalationStatus(
    [property: Id(0)] string AlertId,
    [property: Id(1)] bool Tracking,
    [property: Id(2)] DateTimeOffset? OpenSince,
    [property: Id(3)] int StepsFired,
    [property: Id(4)] DateTimeOffset? LastFiredAt,
    [property: Id(5)] DateTimeOffset? NextDue);
