namespace RiskMonitor.Domain.Alerts;

/// <summary>Workflow states of an alert (DESIGN.md §6). The live condition is tracked apart, in <see cref="Alert.ConditionActive"/>.</summary>
public enum AlertState
{
    Open,
    Acknowledged,
    InProgress,
    Resolved,
    Closed,
}

/// <summary>
/// One alert: at most one per (asset, rule) is not closed at any time. Immutable; every change makes a new value so
/// that a grain can hand it to the fan-out without copying.
/// </summary>
/// <param name="Severity">The worst level reached while the alert was open: an alert is upgraded, never quietly downgraded.</param>
/// <param name="Level">The rule's live level now; <see cref="WarningLevel.None"/> once the condition has cleared.</param>
public sealed record Alert(
    string AlertId,
    string AssetId,
    string RuleId,
    WarningLevel Severity,
    WarningLevel Level,
    AlertState State,
    bool ConditionActive,
    string? Metric,
    double? Value,
    DateTimeOffset ReadingTime,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClearedAt,
    DateTimeOffset? RespondBy,
    string Message)
{
    public bool IsClosed => State == AlertState.Closed;

    /// <summary>The person the alert is assigned to (实名制), or null while nobody has been named.</summary>
    public string? Assignee { get; init; }

    /// <summary>The cause the handler gave on resolving (e.g. <c>false_alarm</c>, <c>leak_repaired</c>); null before.</summary>
    public string? Cause { get; init; }

    /// <summary>
    /// The condition keeps coming and going (<see cref="FlapPolicy"/>): the alert stays one alert, and a return of the
    /// condition neither re-opens it nor restarts its escalation until the flag drops after a quiet period.
    /// </summary>
    public bool Flapping { get; init; }

    public DateTimeOffset? FlappingSince { get; init; }

    /// <summary>
    /// The incident the alert was linked into (alerts of nearby assets raised close together; its first alert's id),
    /// or null. Set once and never rewritten, so a link the ledger records stays true.
    /// </summary>
    public string? IncidentId { get; init; }

    /// <summary>Server times of the recent condition changes (raise, clear, return) that the flap policy counts.</summary>
    public IReadOnlyList<DateTimeOffset> ConditionChanges { get; init; } = [];

    /// <summary>
    /// The numbers behind the rule's verdict at its last change, or null (threshold and event alerts): a forecast's
    /// slope, window and fit, a rate, a compound rule's values, a sensor fault's evidence (docs/rules.md lists the keys).
    /// </summary>
    public IReadOnlyDictionary<string, double>? Details { get; init; }
}

/// <summary>What happened to an alert, which decides the SignalR message (<c>alertRaised</c>, <c>alertUpdated</c>, <c>alertCleared</c>).</summary>
public enum AlertChangeKind
{
    Raised,
    Updated,
    Cleared,
}

public sealed record AlertChange(AlertChangeKind Kind, Alert Alert);
