namespace RiskMonitor.Domain.Incidents;

/// <summary>Why a step was refused: bad input (400) or a step the record's state does not allow (409).</summary>
public enum IncidentRefusal
{
    Invalid,
    Conflict,
}

/// <summary>A step's outcome: the record after it and its ledger action, or why it was refused (and which field).</summary>
public sealed record IncidentStepResult(IncidentRecord? After, string? Action, IncidentRefusal? Refusal, string? Field, string? Reason)
{
    public bool Done => After is not null;

    public static IncidentStepResult Ok(IncidentRecord after, string action) => new(after, action, null, null, null);

    public static IncidentStepResult Invalid(string field, string reason) => new(null, null, IncidentRefusal.Invalid, field, reason);

    public static IncidentStepResult Conflict(string reason) => new(null, null, IncidentRefusal.Conflict, null, reason);
}

/// <summary>What the duty room records when opening an incident.</summary>
public sealed record IncidentDraft(
    string Title, string Type, string? Place, string? RegionId, IReadOnlyList<string> Units, DateTimeOffset OccurredAt, DateTimeOffset KnownAt,
    IncidentFigures Figures, IReadOnlyList<string> AlertIds, IReadOnlyList<string> HazardIds, string? SupervisingBody, bool Exercise);

/// <summary>A report as the reporter gives it; <see cref="Figures"/> set when it brings new figures (a 续报 with more deaths).</summary>
public sealed record ReportDraft(ReportKind Kind, AdministrativeLevel Level, string ReportedBy, string ReportedTo, DateTimeOffset At, string Content, IncidentFigures? Figures);

/// <summary>
/// Every change to an incident, as pure functions from the record before to the record after (or a refusal). The grade
/// follows the figures on every change; the ladder only ever grows, so a clock once owed (and a late mark) never
/// disappears when figures are corrected down.
/// </summary>
public static class IncidentWorkflow
{
    /// <summary>The review of how the lessons were put into practice is due within a year (安全生产法 2021 第八十六条).</summary>
    public static TimeSpan ReviewWithin { get; } = TimeSpan.FromDays(365);

    public static IncidentStepResult Open(string incidentId, IncidentDraft draft, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (Check(draft.Figures) is { } bad)
        {
            return bad;
        }

        if (draft.OccurredAt > now || draft.KnownAt > now)
        {
            return IncidentStepResult.Invalid(nameof(draft.KnownAt), "The incident cannot have happened or been known in the future.");
        }

        if (draft.KnownAt < draft.OccurredAt)
        {
            return IncidentStepResult.Invalid(nameof(draft.KnownAt), "The unit cannot have known of the incident before it happened.");
        }

        var verdict = IncidentGrading.Grade(draft.Figures);
        var levels = LevelsUpTo(ReportingLadder.TopFor(verdict.Grade), draft.KnownAt, []);
        return IncidentStepResult.Ok(new IncidentRecord(
            incidentId, draft.Title, draft.Type, draft.Place, draft.RegionId, draft.Units, draft.OccurredAt, draft.KnownAt, draft.Figures,
            verdict.Grade, verdict.Basis, levels, draft.AlertIds, draft.HazardIds, draft.SupervisingBody, draft.Exercise, IncidentStatus.Open,
            [], [], [], [], now, now), "opened");
    }

    /// <summary>New figures learnt by the duty room (not through a report): re-grades, and owes a follow-up within the window.</summary>
    public static IncidentStepResult UpdateFigures(IncidentRecord incident, IncidentFigures figures, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(figures);
        if (Check(figures) is { } bad)
        {
            return bad;
        }

        if (incident.Status != IncidentStatus.Open)
        {
            return IncidentStepResult.Conflict("A closed incident's figures are those of its investigation report.");
        }

        var owesFollowUp = !figures.SameCasualtiesAs(incident.Figures) && now - incident.OccurredAt <= ReportingLadder.FollowUpWindow(incident.Type);
        var after = Regrade(incident, figures, actor, now) with
        {
            CasualtyChanges = owesFollowUp ? [.. incident.CasualtyChanges, now] : incident.CasualtyChanges,
        };
        return IncidentStepResult.Ok(after, after.Grade != incident.Grade ? "regraded" : "figures_updated");
    }

    public static IncidentStepResult Report(IncidentRecord incident, ReportDraft report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Figures is { } figures && Check(figures) is { } bad)
        {
            return bad;
        }

        if (incident.Status != IncidentStatus.Open)
        {
            return IncidentStepResult.Conflict("The incident is closed; its reports are complete.");
        }

        if (report.At > now || report.At < incident.OccurredAt)
        {
            return IncidentStepResult.Invalid(nameof(report.At), "A report is made between the incident and now.");
        }

        // Reporting beyond the ladder is refused rather than recorded: a report the grade does not call for is usually
        // a wrong level picked at 3 a.m. A re-grade (new figures) extends the ladder first.
        if (!incident.HasLevel(report.Level))
        {
            return IncidentStepResult.Invalid(nameof(report.Level),
                $"This {IncidentGrading.Label(incident.Grade)} incident is reported up to {incident.TopLevel}; {report.Level} is not on its ladder.");
        }

        var firstMade = incident.Reports.Any(r => r.Kind == ReportKind.First && r.Level == report.Level);
        if (report.Kind == ReportKind.First && firstMade)
        {
            return IncidentStepResult.Conflict($"The first report to {report.Level} was made; send a follow-up.");
        }

        if (report.Kind != ReportKind.First && !firstMade)
        {
            return IncidentStepResult.Conflict($"No first report to {report.Level} yet; make it first.");
        }

        var made = new IncidentReport(
            incident.Reports.Count + 1, report.Kind, report.Level, report.ReportedBy, report.ReportedTo, report.At, now, report.Content,
            report.Figures ?? incident.Figures);
        // Figures carried by a report are told to that level by the report itself: no further follow-up is owed for them.
        var after = (report.Figures is { } newFigures ? Regrade(incident, newFigures, report.ReportedBy, now) : incident with { UpdatedAt = now }) with
        {
            Reports = [.. incident.Reports, made],
        };
        var action = report.Kind switch
        {
            ReportKind.First => "reported_first",
            ReportKind.FollowUp => "reported_follow_up",
            _ => "reported_final",
        };
        return IncidentStepResult.Ok(after, after.Grade != incident.Grade ? action + "_regraded" : action);
    }

    /// <summary>结案: needs the final report and, for 较大 and above, the supervising body named.</summary>
    public static IncidentStepResult Close(IncidentRecord incident, string? supervisingBody, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Status != IncidentStatus.Open)
        {
            return IncidentStepResult.Conflict("The incident is already closed.");
        }

        if (!incident.Reports.Any(r => r.Kind == ReportKind.Final))
        {
            return IncidentStepResult.Conflict("Make the final report (终报) before closing.");
        }

        var body = string.IsNullOrWhiteSpace(supervisingBody) ? incident.SupervisingBody : supervisingBody.Trim();
        if (incident.ListedSupervision && body is null)
        {
            return IncidentStepResult.Invalid("SupervisingBody", "A 较大 or graver incident is under listed supervision: name the supervising body.");
        }

        return IncidentStepResult.Ok(incident with
        {
            Status = IncidentStatus.Closed,
            SupervisingBody = body,
            ClosedAt = now,
            ReviewDueAt = now + ReviewWithin,
            UpdatedAt = now,
        }, "closed");
    }

    public static IncidentStepResult Review(IncidentRecord incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Status != IncidentStatus.Closed
            ? IncidentStepResult.Conflict("Only a closed incident is reviewed.")
            : IncidentStepResult.Ok(incident with { Status = IncidentStatus.Reviewed, ReviewedAt = now, UpdatedAt = now }, "reviewed");
    }

    public static IncidentStepResult SetSupervisingBody(IncidentRecord incident, string body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return string.IsNullOrWhiteSpace(body)
            ? IncidentStepResult.Invalid("SupervisingBody", "Name the supervising body.")
            : IncidentStepResult.Ok(incident with { SupervisingBody = body.Trim(), UpdatedAt = now }, "supervision_listed");
    }

    public static IncidentStepResult Link(IncidentRecord incident, IReadOnlyList<string> alertIds, IReadOnlyList<string> hazardIds, IReadOnlyList<string> units, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return IncidentStepResult.Ok(incident with
        {
            AlertIds = [.. incident.AlertIds.Union(alertIds, StringComparer.Ordinal)],
            HazardIds = [.. incident.HazardIds.Union(hazardIds, StringComparer.Ordinal)],
            Units = [.. incident.Units.Union(units, StringComparer.Ordinal)],
            UpdatedAt = now,
        }, "linked");
    }

    /// <summary>
    /// The clocks to push now: due soon (once) and missed (once, 迟报), each not yet marked with that status. An open
    /// incident only: a closed one's clocks have stopped. The caller marks them (<see cref="Mark"/>) with who it told.
    /// </summary>
    public static IReadOnlyList<LadderClock> ClocksToPush(IncidentRecord incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Status != IncidentStatus.Open)
        {
            return [];
        }

        return [.. ReportingLadder.Clocks(incident, now)
            .Where(c => c.Status is LadderClockStatus.DueSoon or LadderClockStatus.Overdue)
            .Where(c => !incident.Marks.Any(m => m.Clock == c.Key && m.Status == c.Status))];
    }

    public static IncidentStepResult Mark(IncidentRecord incident, IReadOnlyList<ClockMark> marks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(marks);
        return IncidentStepResult.Ok(incident with { Marks = [.. incident.Marks, .. marks], UpdatedAt = now },
            marks.Any(m => m.Status == LadderClockStatus.Overdue) ? "clock_missed" : "clock_due_soon");
    }

    private static IncidentRecord Regrade(IncidentRecord incident, IncidentFigures figures, string actor, DateTimeOffset now)
    {
        var verdict = IncidentGrading.Grade(figures);
        var top = ReportingLadder.TopFor(verdict.Grade);
        return incident with
        {
            Figures = figures,
            Grade = verdict.Grade,
            GradeBasis = verdict.Basis,
            RequiredLevels = top > incident.TopLevel ? LevelsUpTo(top, now, incident.RequiredLevels) : incident.RequiredLevels,
            Regrades = verdict.Grade != incident.Grade ? [.. incident.Regrades, new IncidentRegrade(now, incident.Grade, verdict.Grade, actor)] : incident.Regrades,
            UpdatedAt = now,
        };
    }

    private static IReadOnlyList<RequiredLevel> LevelsUpTo(AdministrativeLevel top, DateTimeOffset since, IReadOnlyList<RequiredLevel> existing) =>
        [.. existing, .. Enum.GetValues<AdministrativeLevel>().Where(l => l <= top && existing.All(e => e.Level != l)).Select(l => new RequiredLevel(l, since))];

    private static IncidentStepResult? Check(IncidentFigures figures) =>
        figures.Deaths < 0 ? IncidentStepResult.Invalid(nameof(figures.Deaths), "Deaths cannot be negative.")
        : figures.SeriouslyInjured < 0 ? IncidentStepResult.Invalid(nameof(figures.SeriouslyInjured), "Seriously injured cannot be negative.")
        : figures.Missing < 0 ? IncidentStepResult.Invalid(nameof(figures.Missing), "Missing cannot be negative.")
        : figures.DirectLossYuan < 0 ? IncidentStepResult.Invalid(nameof(figures.DirectLossYuan), "Direct loss cannot be negative.")
        : null;
}
