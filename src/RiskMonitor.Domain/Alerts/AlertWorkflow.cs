namespace RiskMonitor.Domain.Alerts;

public enum WorkflowOutcome
{
    Done,
    NotAllowed,
}

/// <summary>
/// The handling side of the alert state machine: open -> acknowledged -> in_progress -> resolved -> closed (销号).
/// Resolving needs the condition gone; closing needs a resolved alert, so nothing is signed off while it still burns.
/// </summary>
public static class AlertWorkflow
{
    public static (WorkflowOutcome Outcome, Alert Alert) Acknowledge(Alert alert, DateTimeOffset now) =>
        alert.State == AlertState.Open ? Move(alert, AlertState.Acknowledged, now) : (WorkflowOutcome.NotAllowed, alert);

    public static (WorkflowOutcome Outcome, Alert Alert) StartWork(Alert alert, DateTimeOffset now) =>
        alert.State is AlertState.Open or AlertState.Acknowledged
            ? Move(alert, AlertState.InProgress, now)
            : (WorkflowOutcome.NotAllowed, alert);

    public static (WorkflowOutcome Outcome, Alert Alert) Resolve(Alert alert, DateTimeOffset now) =>
        alert.State is AlertState.Open or AlertState.Acknowledged or AlertState.InProgress && !alert.ConditionActive
            ? Move(alert, AlertState.Resolved, now)
            : (WorkflowOutcome.NotAllowed, alert);

    /// <summary>Resolving with the cause the handler found; the cause feeds the false-alarm share and the hazard ledger.</summary>
    public static (WorkflowOutcome Outcome, Alert Alert) Resolve(Alert alert, string? cause, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var (outcome, after) = Resolve(alert, now);
        return outcome == WorkflowOutcome.Done ? (outcome, after with { Cause = cause }) : (outcome, alert);
    }

    /// <summary>Names the person who handles the alert; any alert not yet closed can be (re)assigned.</summary>
    public static (WorkflowOutcome Outcome, Alert Alert) Assign(Alert alert, string assignee, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.IsClosed ? (WorkflowOutcome.NotAllowed, alert) : (WorkflowOutcome.Done, alert with { Assignee = assignee, UpdatedAt = now });
    }

    /// <summary>A comment changes no state; it is allowed until the alert is closed, after which the record is sealed.</summary>
    public static (WorkflowOutcome Outcome, Alert Alert) Comment(Alert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.IsClosed ? (WorkflowOutcome.NotAllowed, alert) : (WorkflowOutcome.Done, alert with { UpdatedAt = now });
    }

    /// <summary>Links the alert into an incident; allowed once, on an alert not yet closed.</summary>
    public static (WorkflowOutcome Outcome, Alert Alert) LinkIncident(Alert alert, string incidentId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentException.ThrowIfNullOrWhiteSpace(incidentId);
        return alert.IsClosed || alert.IncidentId is not null
            ? (WorkflowOutcome.NotAllowed, alert)
            : (WorkflowOutcome.Done, alert with { IncidentId = incidentId, UpdatedAt = now });
    }

    public static (WorkflowOutcome Outcome, Alert Alert) Close(Alert alert, DateTimeOffset now) =>
        alert.State == AlertState.Resolved && !alert.ConditionActive
            ? Move(alert, AlertState.Closed, now)
            : (WorkflowOutcome.NotAllowed, alert);

    private static (WorkflowOutcome, Alert) Move(Alert alert, AlertState to, DateTimeOffset now) =>
        (WorkflowOutcome.Done, alert with { State = to, UpdatedAt = now });
}
