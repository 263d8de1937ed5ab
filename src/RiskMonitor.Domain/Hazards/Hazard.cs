namespace RiskMonitor.Domain.Hazards;

/// <summary>隐患等级: a major hazard (重大隐患) is under listed supervision (挂牌督办).</summary>
public enum HazardLevel
{
    General,
    Major,
}

/// <summary>How the hazard came in: an inspection, the 12350 tip line, or an alert converted by a handler.</summary>
public enum HazardSource
{
    Inspection,
    TipLine,
    Alert,
}

/// <summary>reported -> assigned -> rectifying -> rectified -> verified (销号).</summary>
public enum HazardStatus
{
    Reported,
    Assigned,
    Rectifying,
    Rectified,
    Verified,
}

/// <summary>One entry of the hidden-hazard ledger (隐患台账, DESIGN.md §6). Immutable; every step makes a new value.</summary>
public sealed record Hazard(
    string HazardId,
    HazardLevel Level,
    HazardSource Source,
    HazardStatus Status,
    string Description,
    string? AssetId,
    string? RegionId,
    string? Industry,
    string? Location,
    string? ResponsibleUnit,
    string? SupervisingDepartment,
    DateTimeOffset? Deadline,
    string? AlertId,
    string ReportedBy,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Major hazards are under listed supervision; the supervising authority is recorded with it.</summary>
    public bool ListedSupervision => Level == HazardLevel.Major;

    /// <summary>The rectification plan (五到位: measures, responsibility, funds, time limit, contingency plan), or null.</summary>
    public RectificationPlan? Plan { get; init; }

    /// <summary>How many overdue escalations of a listed hazard have gone out (docs/decisions/0038).</summary>
    public int OverdueEscalations { get; init; }

    public DateTimeOffset? LastEscalatedAt { get; init; }

    /// <summary>WGS84 longitude of where the hazard is, when known apart from its asset (a tip placed from coordinates).</summary>
    public double? Longitude { get; init; }

    public double? Latitude { get; init; }

    /// <summary>The tip line's category (gas, special_equipment, ...), which sorted it to <see cref="Department"/>.</summary>
    public string? Category { get; init; }

    /// <summary>The department a tip was sorted to by its category (the responsible department, not the caller).</summary>
    public string? Department { get; init; }

    /// <summary>
    /// The drill this hazard was recorded in (decision 0049), or null for a real one. An exercise hazard is kept out of the
    /// integration feed and the circulars, its pushes are marked, and it is listed in its drill's report.
    /// </summary>
    public string? DrillId { get; init; }

    /// <summary>Recorded in a drill: see <see cref="DrillId"/>.</summary>
    public bool Exercise => DrillId is not null;

    /// <summary>Not yet verified and past its deadline.</summary>
    public bool IsOverdue(DateTimeOffset now) => Status != HazardStatus.Verified && Deadline is { } deadline && now > deadline;
}
