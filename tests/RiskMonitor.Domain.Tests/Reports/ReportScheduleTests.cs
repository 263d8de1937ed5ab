using RiskMonitor.Domain.Messaging;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Domain.Tests.Reports;

/// <summary>Which of a subscriber's periods are due (decision 0056), and what a subscription may hold.</summary>
public sealed class ReportScheduleTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    // 2026-12-06 20:00 in the city.
    private static readonly DateTimeOffset Made = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nothing_is_due_before_the_first_period_after_the_subscription_ends()
    {
        var daily = Subscription(CircularPeriod.Daily);

        Assert.Empty(ReportSchedule.DuePeriods(daily, Made.AddHours(3.9), China, Week)); // 23:54 local, the day still running
        Assert.Equal([Local(2026, 12, 6)], ReportSchedule.DuePeriods(daily, Made.AddHours(4), China, Week)); // midnight: the 6th ended
    }

    [Fact]
    public void Every_period_ended_since_the_subscription_is_due_within_the_catch_up_and_none_before_it()
    {
        var daily = Subscription(CircularPeriod.Daily);
        var monthly = Subscription(CircularPeriod.Monthly);

        // Three days and a bit later: the 6th, 7th and 8th have ended (a node down all that time sends each).
        Assert.Equal([Local(2026, 12, 6), Local(2026, 12, 7), Local(2026, 12, 8)], ReportSchedule.DuePeriods(daily, Made.AddDays(2.5), China, Week));
        // Twenty days later only the last week's days: older ones are past the catch-up (their pass had them).
        Assert.Equal(7, ReportSchedule.DuePeriods(daily, Made.AddDays(20), China, Week).Count);
        Assert.Empty(ReportSchedule.DuePeriods(monthly, Made.AddDays(20), China, Week)); // December still running
        Assert.Equal([Local(2026, 12, 1)], ReportSchedule.DuePeriods(monthly, new DateTimeOffset(2027, 1, 1, 0, 10, 0, China), China, Week));
    }

    [Fact]
    public void A_retired_subscription_is_never_due()
    {
        Assert.Empty(ReportSchedule.DuePeriods(Subscription(CircularPeriod.Daily) with { Retired = true }, Made.AddDays(2), China, Week));
    }

    [Fact]
    public void One_delivery_per_subscription_and_period_named_by_its_first_local_day()
    {
        var message = RecordMessage.ScheduledReport(Subscription(CircularPeriod.Monthly) with { Regions = ["d-west"] }, Local(2026, 11, 1), China, Made);

        Assert.Equal("report:sub-1#monthly:2026-11-01", message.Subject);
        Assert.Equal(RecordMessage.ReportKind, message.Kind);
        Assert.Equal("2026年11月安全风险监测月报（通报）", message.Title);
        Assert.Equal("li.na@city.example", Assert.Single(message.Recipients).Email);
        Assert.Equal((CircularPeriod.Monthly, new DateOnly(2026, 11, 1)), (message.Report!.Period, message.Report.Day));
        Assert.Equal(["d-west"], message.Report.Regions);
    }

    [Fact]
    public void A_subscription_names_a_known_period_a_person_an_address_and_known_regions()
    {
        var bad = new ReportSubscription("Bad id!", (CircularPeriod)9, " ", "li.na <li.na@city.example>", ["d-west", "nowhere"], Made);

        var problems = bad.Problems(region => region == "d-west");

        Assert.Equal(["email", "id", "period", "recipient", "regions"], problems.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("nowhere", problems["regions"][0], StringComparison.Ordinal);
        Assert.Empty(Subscription(CircularPeriod.Quarterly).Problems(_ => false));
        Assert.False(ReportSubscription.IsEmailAddress("a@b.c, d@e.f"));
        Assert.True(ReportSubscription.IsEmailAddress("王.主任@城市.example"));
    }

    private static ReportSubscription Subscription(CircularPeriod period) => new("sub-1", period, "李娜", "li.na@city.example", [], Made);

    private static DateTimeOffset Local(int year, int month, int day) => new(year, month, day, 0, 0, 0, China);
}
