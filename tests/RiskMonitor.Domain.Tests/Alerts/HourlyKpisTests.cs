using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Tests.Alerts;

public sealed class HourlyKpisTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    // Now is 2026-11-25 09:40 in Beijing (01:40 UTC): the 24 hours run from 10:00 on the 24th to the 09:00 hour of the
    // 25th; today is the 25th from 00:00, the week 19..25 November.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 40, 0, Cst);

    private static AlertFacts Raised(string id, WarningLevel severity, DateTimeOffset raisedAt, double? ackMinutes = null) =>
        new(id, severity, raisedAt, ackMinutes is { } a ? raisedAt.AddMinutes(a) : null, null, null, 0);

    private static DateTimeOffset Beijing(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Counts_per_hour_by_severity_cover_the_24_hours_ending_with_the_current_one()
    {
        var report = HourlyKpis.Compute(
        [
            Raised("now-red", WarningLevel.Red, Beijing(25, 9, 39)),
            Raised("now-red-2", WarningLevel.Red, Beijing(25, 9, 0)),
            Raised("now-blue", WarningLevel.Blue, Beijing(25, 9, 5)),
            Raised("first-hour", WarningLevel.Orange, Beijing(24, 10, 0)),
            Raised("too-early", WarningLevel.Red, Beijing(24, 9, 59)),
            Raised("midnight", WarningLevel.Yellow, Beijing(25, 0, 0)),
            Raised("never-a-level", WarningLevel.None, Beijing(25, 9, 1)),
        ], Now, Cst);

        Assert.Equal(24, report.PerHour.Count);
        Assert.Equal(Beijing(24, 10), report.PerHour[0].Hour);
        Assert.Equal(Beijing(25, 9), report.PerHour[23].Hour);
        Assert.All(report.PerHour.Zip(report.PerHour.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second.Hour - p.First.Hour));
        Assert.Equal((3, 2, 1), (report.PerHour[23].Total, report.PerHour[23].BySeverity[WarningLevel.Red], report.PerHour[23].BySeverity[WarningLevel.Blue]));
        Assert.Equal((1, 1), (report.PerHour[0].Total, report.PerHour[0].BySeverity[WarningLevel.Orange]));
        Assert.Equal(1, report.PerHour[14].BySeverity[WarningLevel.Yellow]); // 00:00 on the 25th is the 15th hour
        Assert.Equal(5, report.PerHour.Sum(h => h.Total));
        Assert.All(report.PerHour, h => Assert.Equal(h.Total, h.BySeverity.Values.Sum()));
        Assert.DoesNotContain(WarningLevel.None, report.PerHour[0].BySeverity.Keys);
    }

    [Fact]
    public void Hours_follow_the_local_offset_when_it_is_not_whole_hours()
    {
        var india = new TimeSpan(5, 30, 0);
        var now = new DateTimeOffset(2026, 11, 25, 9, 40, 0, india);

        var report = HourlyKpis.Compute([Raised("a", WarningLevel.Red, new DateTimeOffset(2026, 11, 25, 9, 0, 0, india))], now, india);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, india), report.PerHour[23].Hour);
        Assert.Equal(1, report.PerHour[23].Total);
    }

    [Fact]
    public void Time_to_acknowledge_today_is_measured_against_the_last_seven_local_days()
    {
        var report = HourlyKpis.Compute(
        [
            Raised("today-1", WarningLevel.Red, Beijing(25, 1), ackMinutes: 2),
            Raised("today-2", WarningLevel.Red, Beijing(25, 8), ackMinutes: 10),
            Raised("today-unacknowledged", WarningLevel.Red, Beijing(25, 9)),
            Raised("yesterday", WarningLevel.Orange, Beijing(24, 23, 59), ackMinutes: 4),
            Raised("week-start", WarningLevel.Yellow, Beijing(19, 0), ackMinutes: 30),
            Raised("before-the-week", WarningLevel.Yellow, Beijing(18, 23, 59), ackMinutes: 600),
        ], Now, Cst);

        Assert.Equal(Beijing(25, 0), report.TodayFrom);
        Assert.Equal(Beijing(19, 0), report.WeekFrom);
        Assert.Equal(2, report.AcknowledgeToday.Count);
        Assert.Equal(TimeSpan.FromMinutes(6), report.AcknowledgeToday.Median); // the mean of 2 and 10
        Assert.Equal(4, report.AcknowledgeWeek.Count);
        Assert.Equal(TimeSpan.FromMinutes(7), report.AcknowledgeWeek.Median); // 2, 4, 10, 30
    }

    [Fact]
    public void A_quiet_day_has_24_empty_hours_and_no_times()
    {
        var report = HourlyKpis.Compute([], Now, Cst);

        Assert.Equal(24, report.PerHour.Count);
        Assert.All(report.PerHour, h => Assert.Equal(0, h.Total));
        Assert.Equal((0, null), (report.AcknowledgeToday.Count, report.AcknowledgeToday.Median));
        Assert.Equal((0, null), (report.AcknowledgeWeek.Count, report.AcknowledgeWeek.Median));
    }

    [Fact]
    public void The_facts_period_starts_with_the_week_and_ends_with_today()
    {
        var (from, to) = HourlyKpis.FactsPeriod(Now, Cst);

        Assert.Equal(Beijing(19, 0), from);
        Assert.Equal(Beijing(26, 0), to);
        Assert.True(from <= HourlyKpis.Compute([], Now, Cst).PerHour[0].Hour);
    }
}
