using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Incidents;

namespace RiskMonitor.Domain.Drills;

/// <summary>One act on a drill's incident or hazard: who did what, when, and how many seconds after the record began.</summary>
/// <param name="Act">An incident's <c>acknowledged</c>, <c>on_site</c> or <c>reported</c> (<see cref="ResponseTimeline"/>), or a hazard's ledger action.</param>
/// <param name="Subject">The alert acted on, the report's kind and level (<c>first:county</c>), or the hazard.</param>
public sealed record DrillRecordStep(string Act, string Subject, string Who, DateTimeOffset At, double SecondsAfter);

/// <summary>An incident opened in a drill: its grade, its reporting clocks as they stood when the drill ended, and who reported when.</summary>
public sealed record DrillIncidentLine(
    string IncidentId, string Title, IncidentGrade Grade, IncidentStatus Status, DateTimeOffset KnownAt, IReadOnlyList<LadderClock> Clocks,
    int LateClocks, IReadOnlyList<DrillRecordStep> Steps);

/// <summary>
/// A hazard recorded in a drill: its deadline clock (verified by the deadline or not, the drill's end counting as too late
/// for what was never done, as for alerts), the overdue pushes it drew, and who acted when.
/// </summary>
public sealed record DrillHazardLine(
    string HazardId, HazardLevel Level, HazardStatus Status, string Description, string ReportedBy, DateTimeOffset ReportedAt,
    DateTimeOffset? Deadline, int OverdueEscalations, DrillClock Clock, IReadOnlyList<DrillRecordStep> Steps);

/// <summary>The drill report's incidents and hazards (decision 0049). Pure.</summary>
public static class DrillRecords
{
    /// <summary>
    /// <paramref name="alerts"/> are the incident's linked alerts with their ledgers. The clocks are taken at the drill's
    /// end (or now while it runs), so a report read a week later says what was late in the drill, not since.
    /// </summary>
    public static DrillIncidentLine Incident(Drill drill, IncidentRecord incident, IReadOnlyList<ResponseTimeline.AlertActs> alerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        ArgumentNullException.ThrowIfNull(incident);
        var clocks = ReportingLadder.Clocks(incident, drill.EndedAt ?? now);
        var timeline = ResponseTimeline.Of(incident, alerts);
        return new DrillIncidentLine(
            incident.IncidentId, incident.Title, incident.Grade, incident.Status, incident.KnownAt, clocks, clocks.Count(c => c.Late),
            [.. timeline.Steps.Select(s => new DrillRecordStep(s.Act, s.Subject, s.Who, s.At, Math.Round(s.After.TotalSeconds, 3)))]);
    }

    /// <summary><paramref name="ledger"/> is the hazard's ledger, oldest first; its first line (reported) starts the clock.</summary>
    public static DrillHazardLine Hazard(Drill drill, Hazard hazard, IReadOnlyList<DrillStepFact> ledger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(drill);
        ArgumentNullException.ThrowIfNull(hazard);
        ArgumentNullException.ThrowIfNull(ledger);
        var cutoff = drill.EndedAt ?? now;
        var verified = ledger.FirstOrDefault(s => s.Action == "verified");
        var clock = hazard.Deadline is not { } deadline ? DrillClock.None
            : verified is not null ? (verified.At <= deadline ? DrillClock.Met : DrillClock.MetLate)
            : cutoff > deadline || drill.EndedAt is not null ? DrillClock.Missed
            : DrillClock.Running;
        return new DrillHazardLine(
            hazard.HazardId, hazard.Level, hazard.Status, hazard.Description, hazard.ReportedBy, hazard.ReportedAt, hazard.Deadline,
            hazard.OverdueEscalations, clock,
            // Not below zero: the ledger's time is stored to the microsecond, the hazard's to the tick.
            [.. ledger.Select(s => new DrillRecordStep(s.Action, hazard.HazardId, s.Actor, s.At, Math.Max(0, Math.Round((s.At - hazard.ReportedAt).TotalSeconds, 3))))]);
    }
}
