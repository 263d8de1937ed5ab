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

    [Fact]
    public void A_handover_subscription_is_due_at_the_latest_shift_change_after_it_was_made_and_within_the_catch_up()
    {
        var handover = new ReportSubscription("h-1", null, "李娜", "li.na@city.example", [], Made) { Report = ReportKind.Handover };
        var catchUp = TimeSpan.FromHours(2);
        DateTimeOffset[] changes = [Made.AddHours(-4), Made.AddHours(1), Made.AddHours(13)];

        Assert.Null(HandoverSchedule.Due(handover, changes, Made.AddMinutes(59), catchUp)); // the change before it was made is not its
        Assert.Equal(Made.AddHours(1), HandoverSchedule.Due(handover, changes, Made.AddHours(1), catchUp)); // at the change
        Assert.Equal(Made.AddHours(1), HandoverSchedule.Due(handover, changes, Made.AddHours(2.5), catchUp)); // a node back within the catch-up
        Assert.Null(HandoverSchedule.Due(handover, changes, Made.AddHours(3.5), catchUp)); // too late: the shift has long taken over
        Assert.Equal(Made.AddHours(13), HandoverSchedule.Due(handover, changes, Made.AddHours(13.5), catchUp)); // the next change's, not an older one
        Assert.Null(HandoverSchedule.Due(handover with { Retired = true }, changes, Made.AddHours(1), catchUp));
        Assert.Null(HandoverSchedule.Due(Subscription(CircularPeriod.Daily), changes, Made.AddHours(1), catchUp)); // a circular follows its periods
        Assert.Empty(ReportSchedule.DuePeriods(handover, Made.AddDays(2), China, Week)); // and a handover has none
    }

    [Fact]
    public void A_handover_subscription_has_no_period_and_a_circular_one_needs_one()
    {
        var handover = new ReportSubscription("h-1", null, "李娜", "li.na@city.example", [], Made) { Report = ReportKind.Handover };

        Assert.Empty(handover.Problems(_ => true));
        Assert.Equal(["period"], (handover with { Period = CircularPeriod.Daily }).Problems(_ => true).Keys);
        Assert.Equal(["period"], (handover with { Report = ReportKind.Circular }).Problems(_ => true).Keys);
        Assert.Equal(["report"], (handover with { Report = (ReportKind)7 }).Problems(_ => true).Keys);
    }

    [Fact]
    public void A_handover_report_message_is_keyed_by_subscription_and_change_and_names_the_change()
    {
        var handover = new ReportSubscription("h-1", null, "李娜", "li.na@city.example", ["d-west"], Made) { Report = ReportKind.Handover };
        var change = Made.AddHours(12.5); // 08:30 on the 7th

        var message = RecordMessage.ShiftHandoverReport(handover, change, China, change);

        Assert.Equal(("handover:h-1#2026-12-07T00:30:00Z", RecordMessage.ReportKind, "2026年12月7日 08:30 交接班报告"), (message.Subject, message.Kind, message.Title));
        Assert.Equal(change, message.Report!.HandoverAt);
        Assert.Equal(["d-west"], message.Report.Regions);
        Assert.Equal("li.na@city.example", Assert.Single(message.Recipients).Email);
    }

    private static ReportSubscription Subscription(CircularPeriod period) => new("sub-1", period, "李娜", "li.na@city.example", [], Made);

    private static DateTimeOffset Local(int year, int month, int day) => new(year, month, day, 0, 0, 0, China);
}
