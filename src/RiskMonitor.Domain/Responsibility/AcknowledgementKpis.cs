namespace RiskMonitor.Domain.Responsibility;

/// <summary>How one organisation answered the acknowledgements asked of it over a period (its unit page's KPIs).</summary>
/// <param name="Asked">Acknowledgement duties of the organisation in the cases routed in the period.</param>
/// <param name="Overdue">Acknowledged after the due time, escalated for want of one, or still open past the due time.</param>
/// <param name="MedianAcknowledgeMinutes">From the routing of the case (when the party was told) to the acknowledgement.</param>
public sealed record UnitAcknowledgementKpi(
    string UnitId, int Asked, int Acknowledged, int Overdue, double? MedianAcknowledgeMinutes, double? MaxAcknowledgeMinutes);

/// <summary>Acknowledgement figures of one organisation from its party cases (pure).</summary>
public static class AcknowledgementKpis
{
    /// <summary>
    /// The cases opened in [<paramref name="from"/>, <paramref name="to"/>); <paramref name="now"/> decides whether an
    /// open duty is already overdue. A duty added when an alert worsened is timed from the case's routing too: the party
    /// case keeps one opening time, so such an acknowledgement counts as slower than it was.
    /// </summary>
    public static UnitAcknowledgementKpi Compute(string unitId, IEnumerable<PartyCase> cases, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var asked = 0;
        var overdue = 0;
        var minutes = new List<double>();
        foreach (var partyCase in cases.Where(c => c.OpenedAt >= from && c.OpenedAt < to))
        {
            foreach (var duty in partyCase.Duties.Where(d => d.Kind == DutyKind.Acknowledge && d.OrganisationId == unitId))
            {
                asked++;
                if (duty.DoneAt is { } done)
                {
                    minutes.Add(Math.Max(0, (done - partyCase.OpenedAt).TotalMinutes));
                }

                if (duty.EscalatedAt is not null || (duty.DoneAt is { } at && at > duty.DueBy) || duty.Overdue(now))
                {
                    overdue++;
                }
            }
        }

        minutes.Sort();
        double? median = minutes.Count == 0 ? null
            : minutes.Count % 2 == 1 ? minutes[minutes.Count / 2] : (minutes[(minutes.Count / 2) - 1] + minutes[minutes.Count / 2]) / 2;
        return new UnitAcknowledgementKpi(unitId, asked, minutes.Count, overdue, median, minutes.Count > 0 ? minutes[^1] : null);
    }
}
