namespace RiskMonitor.Domain.Incidents;

/// <summary>Recorded -> closed (结案, the investigation report approved) -> reviewed (整改评估 done).</summary>
public enum IncidentStatus
{
    Open,
    Closed,
    Reviewed,
}

/// <summary>One report made: who, to whom, when and what (条例第十二条 lists what a report holds).</summary>
/// <param name="At">When it was made (a phone report may be recorded a little later than it was made).</param>
/// <param name="RecordedAt">When it was recorded here.</param>
public sealed record IncidentReport(
    int Sequence, ReportKind Kind, AdministrativeLevel Level, string ReportedBy, string ReportedTo, DateTimeOffset At, DateTimeOffset RecordedAt,
    string Content, IncidentFigures Figures);

/// <summary>A level the ladder must reach, and since when (the grade that first required it).</summary>
public sealed record RequiredLevel(AdministrativeLevel Level, DateTimeOffset Since);

public sealed record IncidentRegrade(DateTimeOffset At, IncidentGrade From, IncidentGrade To, string Actor);

/// <summary>A clock pushed to the duty room and the leader on duty: due soon, or missed (迟报, kept for ever).</summary>
public sealed record ClockMark(string Clock, LadderClockStatus Status, DateTimeOffset At, IReadOnlyList<string> Notified);

/// <summary>
/// An incident (事故) as a durable record: what, where, who is involved, what it has cost, its grade and why, the levels
/// it must be reported to, every report made, the clocks pushed, and where it stands.
/// </summary>
public sealed record IncidentRecord(
    string IncidentId,
    string Title,
    string Type,
    string? Place,
    string? RegionId,
    IReadOnlyList<string> Units,
    DateTimeOffset OccurredAt,
    DateTimeOffset KnownAt,
    IncidentFigures Figures,
    IncidentGrade Grade,
    IReadOnlyList<string> GradeBasis,
    IReadOnlyList<RequiredLevel> RequiredLevels,
    IReadOnlyList<string> AlertIds,
    IReadOnlyList<string> HazardIds,
    string? SupervisingBody,
    bool Exercise,
    IncidentStatus Status,
    IReadOnlyList<IncidentReport> Reports,
    IReadOnlyList<IncidentRegrade> Regrades,
    IReadOnlyList<DateTimeOffset> CasualtyChanges,
    IReadOnlyList<ClockMark> Marks,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt = null,
    DateTimeOffset? ReviewDueAt = null,
    DateTimeOffset? ReviewedAt = null)
{
    /// <summary>The drill it was opened in (decision 0049), or null; an incident of a drill is always an exercise.</summary>
    public string? DrillId { get; init; }

    /// <summary>The highest level this incident has to be reported to.</summary>
    public AdministrativeLevel TopLevel => RequiredLevels[^1].Level;

    /// <summary>较大 and above are under listed supervision (挂牌督办) and need a supervising body.</summary>
    public bool ListedSupervision => Grade >= IncidentGrade.Larger;

    public bool HasLevel(AdministrativeLevel level) => RequiredLevels.Any(r => r.Level == level);
}
