namespace RiskMonitor.Domain.Alerts;

/// <summary>Alerts raised in one hour (local hour at the report's offset), by severity.</summary>
public sealed record HourlyAlertCount(DateTimeOffset Hour, int Total, IReadOnlyDictionary<WarningLevel, int> BySeverity);

/// <summary>
/// The wall's time panels (issue 23): alerts per hour over the 24 hours ending with the current one, and the time to
/// acknowledge of the alerts raised today against those raised in the last 7 local days (today included).
/// </summary>
public sealed record HourlyKpiReport(
    DateTimeOffset At,
    TimeSpan UtcOffset,
    IReadOnlyList<HourlyAlertCount> PerHour,
    DateTimeOffset TodayFrom,
    DateTimeOffset WeekFrom,
    DurationStats AcknowledgeToday,
    DurationStats AcknowledgeWeek);

/// <summary>
/// Computes <see cref="HourlyKpiReport"/> from the facts of the alerts raised in <see cref="FactsPeriod"/>. Pure. The
/// times to acknowledge use the same definitions as <see cref="AlertKpis"/> (<c>GET /api/kpis</c>), so the wall and the
/// KPI report never disagree: "today" is the local day so far, "the week" the 7 local days ending today.
/// </summary>
public static class HourlyKpis
{
    public const int Hours = 24;

    /// <summary>The start of the local hour that holds <paramref name="now"/> (offsets such as +05:30 shift it).</summary>
    public static DateTimeOffset HourStart(DateTimeOffset now, TimeSpan utcOffset)
    {
        var local = now.ToOffset(utcOffset);
        return new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, utcOffset);
    }

    /// <summary>Midnight that starts the local day holding <paramref name="now"/>.</summary>
    public static DateTimeOffset DayStart(DateTimeOffset now, TimeSpan utcOffset) => new(now.ToOffset(utcOffset).Date, utcOffset);

    /// <summary>
    /// The period whose alerts the report needs, [from, to): from the first of the 7 local days (always earlier than
    /// the first of the 24 hours) to the end of today.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) FactsPeriod(DateTimeOffset now, TimeSpan utcOffset)
    {
        var tomorrow = DayStart(now, utcOffset).AddDays(1);
        var from = tomorrow.AddDays(-7);
        var firstHour = HourStart(now, utcOffset).AddHours(-(Hours - 1));
        return (firstHour < from ? firstHour : from, tomorrow);
    }

    public static HourlyKpiReport Compute(IEnumerable<AlertFacts> alerts, DateTimeOffset now, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        // A drill's alerts are not the city's record (decision 0042), on the wall's per-hour panel either.
        IReadOnlyCollection<AlertFacts> facts = [.. Drills.Exercise.RealOnly(alerts)];
        var firstHour = HourStart(now, utcOffset).AddHours(-(Hours - 1));
        var counts = new int[Hours, 5]; // [hour, WarningLevel]
        foreach (var alert in facts)
        {
            // Whole hours since the first bucket; the offset is the same on both sides, so UTC ticks are enough.
            var hour = (int)Math.Floor((alert.RaisedAt - firstHour).TotalHours);
            if (hour is >= 0 and < Hours && alert.Severity != WarningLevel.None)
            {
                counts[hour, (int)alert.Severity]++;
            }
        }

        var levels = Enum.GetValues<WarningLevel>().Where(l => l != WarningLevel.None).ToArray();
        var perHour = Enumerable.Range(0, Hours).Select(h =>
        {
            var bySeverity = levels.ToDictionary(l => l, l => counts[h, (int)l]);
            return new HourlyAlertCount(firstHour.AddHours(h), bySeverity.Values.Sum(), bySeverity);
        }).ToList();

        var today = DayStart(now, utcOffset);
        var tomorrow = today.AddDays(1);
        var weekFrom = tomorrow.AddDays(-7);
        return new HourlyKpiReport(
            now,
            utcOffset,
            perHour,
            today,
            weekFrom,
            AlertKpis.Compute(facts, today, tomorrow, utcOffset).TimeToAcknowledge,
            AlertKpis.Compute(facts, weekFrom, tomorrow, utcOffset).TimeToAcknowledge);
    }
}
