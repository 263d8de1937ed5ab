namespace RiskMonitor.Domain.Alerts;

/// <summary>What the KPIs need to know about one alert, read from the alert ledger.</summary>
/// <param name="AcknowledgedAt">The first acknowledgement (or start of work, when nobody acknowledged first).</param>
/// <param name="ClosedAt">When it was closed (销号), or null.</param>
/// <param name="Cause">The cause given on resolving (<c>false_alarm</c> counts as a false alarm).</param>
/// <param name="Escalations">Escalation steps fired for it.</param>
public sealed record AlertFacts(
    string AlertId, WarningLevel Severity, DateTimeOffset RaisedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? ClosedAt, string? Cause, int Escalations)
{
    /// <summary>The asset it was raised on (the circulars rank by its owner unit and regulator).</summary>
    public string? AssetId { get; init; }

    /// <summary>The grid it was raised in (the circulars rank by the district and street above it).</summary>
    public string? RegionId { get; init; }
}

/// <summary>Alerts raised on one local day, by severity.</summary>
public sealed record DailyAlertCount(DateOnly Day, int Total, IReadOnlyDictionary<WarningLevel, int> BySeverity);

/// <summary>Median and 90th percentile of a duration, over <see cref="Count"/> alerts; null values when there are none.</summary>
public sealed record DurationStats(int Count, TimeSpan? Median, TimeSpan? P90);

/// <summary>The closed-loop KPIs of the alerts raised in [<see cref="From"/>, <see cref="To"/>) (issue 7).</summary>
public sealed record AlertKpiReport(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan UtcOffset,
    int AlertsRaised,
    IReadOnlyList<DailyAlertCount> PerDay,
    int Closed,
    int ClosedAsFalseAlarm,
    double? FalseAlarmShare,
    DurationStats TimeToAcknowledge,
    DurationStats TimeToClose,
    int EscalationsFired,
    int AlertsEscalated);

/// <summary>
/// Computes the KPIs from the facts of the alerts raised in a period. Pure. Definitions (docs/decisions/0017 has the
/// noise side; these are in the README): a day is a local day at <c>utcOffset</c>; the false-alarm share is of the
/// alerts closed so far; percentiles interpolate linearly between ranks (as PERCENTILE.INC does), so the median of
/// two values is their mean.
/// </summary>
public static class AlertKpis
{
    public const string FalseAlarmCause = "false_alarm";

    public static AlertKpiReport Compute(IEnumerable<AlertFacts> alerts, DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        // A drill's alerts are not the city's record (decision 0042): whatever source the facts come from, they are not counted.
        var inPeriod = Drills.Exercise.RealOnly(alerts).Where(a => a.RaisedAt >= from && a.RaisedAt < to).ToList();
        var closed = inPeriod.Where(a => a.ClosedAt is not null).ToList();
        var falseAlarms = closed.Count(a => string.Equals(a.Cause, FalseAlarmCause, StringComparison.OrdinalIgnoreCase));

        var perDay = new List<DailyAlertCount>();
        var byDay = inPeriod.GroupBy(a => DateOnly.FromDateTime(a.RaisedAt.ToOffset(utcOffset).DateTime)).ToDictionary(g => g.Key);
        var firstDay = DateOnly.FromDateTime(from.ToOffset(utcOffset).DateTime);
        var lastDay = DateOnly.FromDateTime(to.AddTicks(-1).ToOffset(utcOffset).DateTime);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            // Every day of the period is listed, also the quiet ones, so a chart needs no gap filling.
            var alertsOfDay = byDay.TryGetValue(day, out var group) ? group.ToList() : [];
            perDay.Add(new DailyAlertCount(day, alertsOfDay.Count, Enum.GetValues<WarningLevel>()
                .Where(l => l != WarningLevel.None)
                .ToDictionary(l => l, l => alertsOfDay.Count(a => a.Severity == l))));
        }

        return new AlertKpiReport(
            from,
            to,
            utcOffset,
            inPeriod.Count,
            perDay,
            closed.Count,
            falseAlarms,
            closed.Count == 0 ? null : (double)falseAlarms / closed.Count,
            Stats(inPeriod.Where(a => a.AcknowledgedAt is not null).Select(a => a.AcknowledgedAt!.Value - a.RaisedAt)),
            Stats(closed.Select(a => a.ClosedAt!.Value - a.RaisedAt)),
            inPeriod.Sum(a => a.Escalations),
            inPeriod.Count(a => a.Escalations > 0));
    }

    /// <summary>The <paramref name="fraction"/> percentile (0..1) of sorted values, interpolated linearly between ranks.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var rank = fraction * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }

    private static DurationStats Stats(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Order().ToList();
        return sorted.Count == 0
            ? new DurationStats(0, null, null)
            : new DurationStats(sorted.Count, Percentile(sorted, 0.5), Percentile(sorted, 0.9));
    }
}
