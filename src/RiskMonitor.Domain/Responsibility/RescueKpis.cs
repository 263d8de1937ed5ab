namespace RiskMonitor.Domain.Responsibility;

/// <summary>Rescue times of one maintenance unit over a period (for the KPIs and the circulars).</summary>
/// <param name="Late">Arrived after the due time, or not arrived and past it.</param>
public sealed record UnitRescueKpi(
    string UnitId,
    int Rescues,
    int Arrived,
    int Late,
    int Released,
    double? MedianArrivalMinutes,
    double? MaxArrivalMinutes,
    double? MedianReleaseMinutes);

public static class RescueKpis
{
    /// <summary>Per unit, ordered by unit id; <paramref name="now"/> decides whether an open rescue is already late.</summary>
    public static IReadOnlyList<UnitRescueKpi> Compute(IEnumerable<Rescue> rescues, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rescues);
        return [.. rescues.GroupBy(r => r.UnitId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var arrivals = g.Where(r => r.ArrivedAt is not null).Select(r => (r.ArrivedAt!.Value - r.ReportedAt).TotalMinutes).Order().ToList();
            var releases = g.Where(r => r.ReleasedAt is not null).Select(r => (r.ReleasedAt!.Value - r.ReportedAt).TotalMinutes).Order().ToList();
            var late = g.Count(r => r.ArrivedLate || (r.ArrivedAt is null && r.ArrivalDue <= now));
            return new UnitRescueKpi(g.Key, g.Count(), arrivals.Count, late, releases.Count, Median(arrivals), arrivals.Count > 0 ? arrivals[^1] : null, Median(releases));
        })];
    }

    private static double? Median(List<double> sorted) =>
        sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
