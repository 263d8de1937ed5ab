namespace RiskMonitor.Domain.Drills;

/// <summary>
/// How a drill is started: announced with a time (计划演练), or unscripted (不打招呼): started at once, without telling the
/// duty room first. Both are marked as exercise on every alert and message; the mode is for the record and the report.
/// </summary>
public enum DrillMode
{
    Scheduled,
    Unscripted,
}

public enum DrillStatus
{
    Scheduled,
    Running,
    Ended,
    Cancelled,
}

/// <summary>
/// One injected condition: a reading (<see cref="Metric"/> = <see cref="Value"/>) or a device event
/// (<see cref="EventCode"/>, <see cref="Active"/> false clears it) on a registered asset, evaluated by the asset's own rules
/// on the asset's drill key.
/// </summary>
public sealed record DrillInject(string AssetId, string? Metric, double? Value, string? EventCode, bool Active = true);

/// <summary>An inject as it was sent: when and by whom.</summary>
public sealed record DrillInjection(DateTimeOffset At, string Actor, DrillInject Inject);

/// <summary>A drill (演练): its plan, its lifecycle and every inject sent in it.</summary>
public sealed record Drill(
    string DrillId,
    string Title,
    DrillMode Mode,
    DrillStatus Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ScheduledFor,
    DateTimeOffset? StartedAt,
    string? StartedBy,
    DateTimeOffset? EndedAt,
    string? EndedBy,
    IReadOnlyList<DrillInject> Scenario,
    IReadOnlyList<DrillInjection> Injections,
    DateTimeOffset UpdatedAt)
{
    public bool IsRunning => Status == DrillStatus.Running;

    /// <summary>The drill keys its injects went to: where its alerts are.</summary>
    public IReadOnlyList<string> AssetKeys =>
        [.. Injections.Select(i => i.Inject.AssetId).Distinct(StringComparer.Ordinal).Select(a => DrillKey.For(a, DrillId))];
}
