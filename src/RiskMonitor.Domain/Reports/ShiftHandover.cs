using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Hazards;

namespace RiskMonitor.Domain.Reports;

/// <summary>An alert not yet closed, as the handover lists it.</summary>
/// <param name="RespondBy">When its escalation clock runs out (null: acknowledged, or a severity without a clock).</param>
public sealed record HandoverAlert(
    string AlertId, string AssetId, string AssetName, WarningLevel Severity, AlertState State, DateTimeOffset RaisedAt, DateTimeOffset? RespondBy, string? Assignee);

/// <summary>
/// The shift handover (交接班): who hands over to whom, the alerts still open (the most severe and oldest first), the
/// escalation clocks running (soonest first, overdue ones first of all), and the hazards whose deadline has passed or
/// falls within <see cref="HazardHorizon"/> of the handover.
/// </summary>
public sealed record ShiftHandover(
    DateTimeOffset At,
    DutyShift? Current,
    DutyShift? Next,
    IReadOnlyList<HandoverAlert> OpenAlerts,
    IReadOnlyList<HandoverAlert> RunningClocks,
    IReadOnlyList<Hazard> HazardsDue)
{
    /// <summary>Hazards due within this of the handover are listed: the next shift must chase them.</summary>
    public static readonly TimeSpan HazardHorizon = TimeSpan.FromHours(24);

    public static ShiftHandover Compose(
        DateTimeOffset at, DutyShift? current, DutyShift? next, IEnumerable<HandoverAlert> alerts, IEnumerable<Hazard> hazards)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(hazards);
        var open = alerts.Where(a => a.State != AlertState.Closed)
            .OrderByDescending(a => a.Severity).ThenBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal).ToList();
        var clocks = open.Where(a => a.RespondBy is not null && a.State == AlertState.Open)
            .OrderBy(a => a.RespondBy).ThenBy(a => a.AlertId, StringComparer.Ordinal).ToList();
        var due = hazards.Where(h => h.Status != HazardStatus.Verified && h.Deadline is { } d && d <= at + HazardHorizon)
            .OrderBy(h => h.Deadline).ThenBy(h => h.HazardId, StringComparer.Ordinal).ToList();
        return new ShiftHandover(at, current, next, open, clocks, due);
    }
}
