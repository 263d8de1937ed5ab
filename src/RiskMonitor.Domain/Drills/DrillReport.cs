namespace RiskMonitor.Domain.Drills;

/// <summary>One line of an alert's ledger as the drill report reads it.</summary>
public sealed record DrillStepFact(string Action, string Actor, DateTimeOffset At);

/// <summary>A drill alert with its ledger, the input of <see cref="DrillReport.Compute"/>.</summary>
/// <param name="AcknowledgeBy">When it had to be acknowledged before escalating (the escalation policy's timeout), or null (blue).</param>
/// <param name="RespondBy">The rule's own response deadline (an entrapment's 30 min on site), or null.</param>
public sealed record DrillAlertFacts(
    string AlertId, string AssetId, string RuleId, WarningLevel Severity, DateTimeOffset RaisedAt, DateTimeOffset? AcknowledgeBy,
    DateTimeOffset? RespondBy, IReadOnlyList<DrillStepFact> Steps);

/// <summary>Whether one of the alert's clocks was kept.</summary>
public enum DrillClock
{
    /// <summary>Done by the deadline.</summary>
    Met,

    /// <summary>Done after it.</summary>
    MetLate,

    /// <summary>Not done, and the deadline has passed (or the drill ended first).</summary>
    Missed,

    /// <summary>Not done yet, still in time.</summary>
    Running,

    /// <summary>The alert has no such deadline.</summary>
    None,
}

/// <summary>Who did a step and how long after the raise.</summary>
public sealed record DrillStepLine(string Actor, DateTimeOffset At, double SecondsAfterRaise);

/// <param name="Clock">The acknowledge clock (acknowledged, or work started, by <see cref="AcknowledgeBy"/>).</param>
/// <param name="RespondClock">The rule's response clock (work started on site by <see cref="RespondBy"/>).</param>
public sealed record DrillAlertLine(
    string AlertId, string AssetId, string RuleId, WarningLevel Severity, DateTimeOffset RaisedAt, DateTimeOffset? AcknowledgeBy,
    DateTimeOffset? RespondBy, DrillStepLine? Acknowledged, DrillStepLine? WorkStarted, DrillStepLine? Resolved, DrillStepLine? Closed,
    int Escalations, DrillClock Clock, DrillClock RespondClock);

public sealed record DrillReportSummary(int Alerts, int Acknowledged, int ClocksMet, int ClocksMetLate, int ClocksMissed, double? MedianSecondsToAcknowledge);

/// <summary>The drill report: who acknowledged what, when, and which clocks were met or missed.</summary>
public sealed record DrillReportView(
    string DrillId, string Title, DrillMode Mode, DrillStatus Status, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt,
    IReadOnlyList<DrillInjection> Injections, IReadOnlyList<DrillAlertLine> Alerts, DrillReportSummary Summary)
{
    /// <summary>Always true: the report is of an exercise, and says so wherever it is read.</summary>
    public bool Exercise => true;

    /// <summary>The incidents opened in the drill, with their reporting clocks and who reported when (<see cref="DrillRecords"/>).</summary>
    public IReadOnlyList<DrillIncidentLine> Incidents { get; init; } = [];

    /// <summary>The hazards recorded in the drill, with their deadline clock and who acted when.</summary>
    public IReadOnlyList<DrillHazardLine> Hazards { get; init; } = [];
}

public static class DrillReport
{
    /// <summary>
    /// Pure. <paramref name="now"/> decides whether an unacknowledged alert of a running drill is still in time; once the
    /// drill has ended, its end is the moment that counts (nobody can acknowledge an ended drill's alert in time later).
    /// </summary>
    public static DrillReportView Compute(Drill drill, IEnumerable<DrillAlertFacts> alerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        ArgumentNullException.ThrowIfNull(alerts);
        var cutoff = drill.EndedAt ?? now;
        var lines = alerts.OrderBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal).Select(a =>
        {
            var acknowledged = First(a, "acknowledged", "work_started");
            var workStarted = First(a, "work_started");
            return new DrillAlertLine(a.AlertId, a.AssetId, a.RuleId, a.Severity, a.RaisedAt, a.AcknowledgeBy, a.RespondBy, acknowledged,
                workStarted, First(a, "resolved"), First(a, "closed", "drill_ended"),
                a.Steps.Count(s => s.Action == "escalated"), Clock(a.AcknowledgeBy, acknowledged), Clock(a.RespondBy, workStarted));

            DrillClock Clock(DateTimeOffset? deadline, DrillStepLine? done) =>
                deadline is not { } due ? DrillClock.None
                : done is not null ? (done.At <= due ? DrillClock.Met : DrillClock.MetLate)
                : cutoff > due || drill.EndedAt is not null ? DrillClock.Missed
                : DrillClock.Running;
        }).ToList();

        var ackSeconds = lines.Where(l => l.Acknowledged is not null).Select(l => l.Acknowledged!.SecondsAfterRaise).Order().ToList();
        var summary = new DrillReportSummary(
            lines.Count,
            ackSeconds.Count,
            lines.Count(l => l.Clock == DrillClock.Met),
            lines.Count(l => l.Clock == DrillClock.MetLate),
            lines.Count(l => l.Clock == DrillClock.Missed),
            ackSeconds.Count == 0 ? null
                : ackSeconds.Count % 2 == 1 ? ackSeconds[ackSeconds.Count / 2]
                : (ackSeconds[(ackSeconds.Count / 2) - 1] + ackSeconds[ackSeconds.Count / 2]) / 2);
        return new DrillReportView(drill.DrillId, drill.Title, drill.Mode, drill.Status, drill.StartedAt, drill.EndedAt, drill.Injections, lines, summary);
    }

    private static DrillStepLine? First(DrillAlertFacts alert, params string[] actions) =>
        alert.Steps.Where(s => actions.Contains(s.Action, StringComparer.Ordinal)).OrderBy(s => s.At).FirstOrDefault() is { } step
            ? new DrillStepLine(step.Actor, step.At, Math.Round((step.At - alert.RaisedAt).TotalSeconds, 3))
            : null;
}
