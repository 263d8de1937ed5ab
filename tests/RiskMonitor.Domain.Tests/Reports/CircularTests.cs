using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Domain.Tests.Reports;

public sealed class CircularTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    [Theory]
    [InlineData(CircularPeriod.Daily, "2026-12-09", "2026-12-09", "2026-12-10")]
    [InlineData(CircularPeriod.Weekly, "2026-12-09", "2026-12-07", "2026-12-14")] // Wednesday: the ISO week from Monday
    [InlineData(CircularPeriod.Weekly, "2026-12-06", "2026-11-30", "2026-12-07")] // Sunday ends its week
    [InlineData(CircularPeriod.Monthly, "2026-02-15", "2026-02-01", "2026-03-01")]
    [InlineData(CircularPeriod.Quarterly, "2026-11-20", "2026-10-01", "2027-01-01")]
    public void A_period_is_the_local_calendar_span_around_the_day(CircularPeriod kind, string day, string from, string to)
    {
        var (start, end) = Circular.PeriodOf(kind, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), Cst);

        Assert.Equal(new DateTimeOffset(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), Cst), start);
        Assert.Equal(new DateTimeOffset(DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), Cst), end);
    }

    [Fact]
    public void Rankings_put_the_most_overdue_first_count_the_unregistered_and_compare_with_the_period_before()
    {
        var (from, to) = Circular.PeriodOf(CircularPeriod.Monthly, new DateOnly(2026, 12, 1), Cst);
        var t = from.AddDays(3);
        CircularAlert[] alerts =
        [
            Alert("a1", t, ack: 2, escalations: 0, owner: "城东燃气", district: "东区"),
            Alert("a2", t, ack: 30, escalations: 2, owner: "城西燃气", district: "西区"),
            Alert("a3", t, ack: 10, escalations: 0, owner: "城东燃气", district: "东区", falseAlarm: true),
            Alert("a4", t, ack: null, escalations: 1, owner: null, district: "西区"),
        ];
        CircularAlert[] previous = [Alert("p1", from.AddDays(-3), ack: 1, escalations: 0, owner: "城东燃气", district: "东区")];
        CircularHazard[] hazards = [new(true, true, "城西燃气", "住建局", "西区", null), new(false, false, "城东燃气", "住建局", "东区", null)];

        var report = Circular.Compute(CircularPeriod.Monthly, from, to, Cst, "全市", alerts, previous, hazards);

        Assert.Equal((4, 1, 3, 2, 1), (report.Total.Alerts, report.Total.PreviousAlerts, report.Total.Acknowledged, report.Total.Overdue, report.Total.FalseAlarms));
        var owners = report.Rankings.Single(r => r.Dimension == CircularDimension.OwnerUnit).Rows;
        // 城西 and 未登记 each have one overdue alert; 城西 was slower to acknowledge, so it is named first.
        Assert.Equal(["城西燃气", Circular.Unregistered, "城东燃气"], owners.Select(r => r.Name));
        var east = owners[2];
        Assert.Equal((2, 1, 1), (east.Alerts, east.PreviousAlerts, east.Change));
        Assert.Equal(TimeSpan.FromMinutes(6), east.MedianAcknowledge); // median of 2 and 10 minutes
        Assert.Equal(1.0, east.FalseAlarmShare);
        Assert.Equal((1, 1), (owners[0].OpenHazards, owners[0].OverdueHazards));
        Assert.Equal(4, owners.Sum(r => r.Alerts)); // the lines add up to the total
        Assert.Equal(Circular.Unregistered, Assert.Single(report.Rankings.Single(r => r.Dimension == CircularDimension.Street).Rows).Name);
    }

    [Fact]
    public void A_weekly_circular_compares_with_the_iso_week_before()
    {
        var (from, to) = Circular.PeriodOf(CircularPeriod.Weekly, new DateOnly(2026, 12, 9), Cst); // Monday 7th to Monday 14th
        CircularAlert[] thisWeek = [Alert("w1", from.AddDays(1), ack: 1, escalations: 0, owner: "城东燃气", district: "东区")];
        CircularAlert[] lastWeek =
        [
            Alert("p1", from.AddDays(-7), ack: 1, escalations: 0, owner: "城东燃气", district: "东区"),
            Alert("p2", from.AddDays(-1), ack: 1, escalations: 0, owner: "城东燃气", district: "东区"),
        ];

        var report = Circular.Compute(CircularPeriod.Weekly, from, to, Cst, "全市", thisWeek, lastWeek, []);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, Cst), report.PreviousFrom); // the Monday a week before
        Assert.Equal((1, 2, -1), (report.Total.Alerts, report.Total.PreviousAlerts, report.Total.Change)); // week over week
    }

    private static CircularAlert Alert(string id, DateTimeOffset raised, int? ack, int escalations, string? owner, string district, bool falseAlarm = false) => new(
        new AlertFacts(id, WarningLevel.Red, raised, ack is { } m ? raised.AddMinutes(m) : null, falseAlarm ? raised.AddHours(1) : null, falseAlarm ? "false_alarm" : null, escalations),
        owner, "住建局", district, null);
}
