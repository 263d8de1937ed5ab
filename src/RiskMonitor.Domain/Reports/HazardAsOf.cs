using RiskMonitor.Domain.Hazards;

namespace RiskMonitor.Domain.Reports;

/// <summary>
/// A hidden hazard as it stood at a moment (a circular's period end, decision 0048), from its record now and, when it
/// changed since, its ledger: a circular of last month counts what was open and overdue at the end of last month, not
/// what was rectified or reported since.
/// </summary>
public static class HazardAsOf
{
    /// <summary>Whether the record now is not the one of <paramref name="end"/>, so the ledger must be read.</summary>
    public static bool NeedsHistory(Hazard current, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.ReportedAt < end && current.UpdatedAt >= end;
    }

    /// <param name="history">The ledger's records (the hazard after each step); needed only when <see cref="NeedsHistory"/>.</param>
    /// <returns>The hazard as it was just before <paramref name="end"/>, or null when it was reported later.</returns>
    public static Hazard? At(Hazard current, IEnumerable<(DateTimeOffset At, Hazard After)>? history, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.ReportedAt >= end)
        {
            return null;
        }

        if (current.UpdatedAt < end)
        {
            return current;
        }

        ArgumentNullException.ThrowIfNull(history);
        // A ledger that starts after the report (a hazard imported with its date) leaves the earliest record known.
        return history.Where(e => e.At < end).OrderBy(e => e.At).Select(e => e.After).LastOrDefault()
            ?? history.OrderBy(e => e.At).Select(e => e.After).FirstOrDefault()
            ?? current;
    }
}
