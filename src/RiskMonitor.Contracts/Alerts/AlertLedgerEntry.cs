using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Contracts.Alerts;

/// <summary>
/// One line of an alert's append-only ledger (DESIGN.md §6): who did what and when, with the alert before and after.
/// <see cref="Sequence"/> counts from 1 per alert, without gaps.
/// </summary>
public sealed record AlertLedgerEntry(
    int Sequence,
    DateTimeOffset At,
    string Action,
    string Actor,
    string? Note,
    AlertState? StateBefore,
    AlertState StateAfter,
    AlertView? Before,
    AlertView After);

/// <summary>A change the alert store writes in one transaction: the alert's new state and its ledger line.</summary>
public sealed record AlertRecord(AlertView? Before, AlertView After, string Action, string Actor, string? Note, DateTimeOffset At);

/// <summary>The ledger's action names; stable strings, since the ledger outlives any version of the code.</summary>
public static class AlertLedgerActions
{
    public const string Raised = "raised";
    public const string LevelChanged = "level_changed";
    public const string ConditionCleared = "condition_cleared";
    public const string ConditionReturned = "condition_returned";
    public const string Reopened = "reopened";
    public const string Acknowledged = "acknowledged";
    public const string WorkStarted = "work_started";
    public const string Resolved = "resolved";
    public const string Closed = "closed";
    public const string Assigned = "assigned";
    public const string Commented = "commented";
    public const string Escalated = "escalated";
    public const string Reported = "reported";
    public const string FlappingStarted = "flapping_started";
    public const string FlappingEnded = "flapping_ended";
    public const string EscalationSilenced = "escalation_silenced";
    public const string IncidentLinked = "incident_linked";

    /// <summary>A drill alert closed because its drill ended (decision 0042).</summary>
    public const string DrillEnded = "drill_ended";

    // The responsibility chain (issue 20, docs/decisions/0035-responsibility-chain.md).
    public const string PartyNotified = "party_notified";
    public const string PartyAcknowledged = "party_acknowledged";
    public const string PartyOverdue = "party_overdue";
    public const string RescueArrived = "rescue_arrived";
    public const string RescueReleased = "rescue_released";

    /// <summary>The actor of changes a rule made rather than a person.</summary>
    public const string SystemActor = "system";

    /// <summary>What a condition-driven change did, from the alert before and after it.</summary>
    public static string ForCondition(AlertChangeKind kind, AlertView? before, AlertView after)
    {
        ArgumentNullException.ThrowIfNull(after);
        return kind switch
        {
            AlertChangeKind.Raised => Raised,
            AlertChangeKind.Cleared => ConditionCleared,
            // The quiet period ended the flag and nothing else about the condition changed (it may re-open the alert).
            _ when before is { Flapping: true } && !after.Flapping && before.ConditionActive == after.ConditionActive && before.Level == after.Level =>
                FlappingEnded,
            _ when before is { State: AlertState.Resolved } && after.State == AlertState.Open => Reopened,
            _ when before is { ConditionActive: false } && after.ConditionActive => ConditionReturned,
            _ => LevelChanged,
        };
    }

    public static string ForAction(AlertActionKind kind) => kind switch
    {
        AlertActionKind.Acknowledge => Acknowledged,
        AlertActionKind.StartWork => WorkStarted,
        AlertActionKind.Resolve => Resolved,
        AlertActionKind.Close => Closed,
        AlertActionKind.Assign => Assigned,
        AlertActionKind.Comment => Commented,
        AlertActionKind.LinkIncident => IncidentLinked,
        AlertActionKind.EndDrill => DrillEnded,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown alert action."),
    };
}
