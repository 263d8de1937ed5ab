using RiskMonitor.Domain.Incidents;

namespace RiskMonitor.Domain.Tests.Incidents;

public sealed class ReportingLadderTests
{
    private static readonly DateTimeOffset Occurred = new(2026, 12, 6, 1, 40, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Known = Occurred.AddMinutes(5);

    internal static IncidentRecord GasLeak(int deaths, DateTimeOffset? now = null, string type = "gas_leak") =>
        IncidentWorkflow.Open("inc-1", new IncidentDraft(
            "燃气泄漏爆燃", type, "幸福路 8 号", "d-east", ["城东燃气公司"], Occurred, Known, new IncidentFigures(deaths, 0, 0, 0),
            ["alert-1"], [], null, Exercise: false), now ?? Known.AddMinutes(10)).After!;

    private static ReportDraft First(AdministrativeLevel level, DateTimeOffset at, IncidentFigures? figures = null) =>
        new(ReportKind.First, level, "li.wei", $"{level} 应急管理局值班室", at, "首报", figures);

    [Fact]
    public void A_larger_incident_is_due_at_the_county_in_one_hour_and_two_hours_per_level_up_to_the_province()
    {
        var clocks = ReportingLadder.Clocks(GasLeak(3), Known.AddMinutes(10));

        Assert.Equal(["first:county", "first:city", "first:province"], clocks.Select(c => c.Key));
        Assert.Equal([Known.AddHours(1), Known.AddHours(3), Known.AddHours(5)], clocks.Select(c => c.Due));
        Assert.All(clocks, c => Assert.Equal(LadderClockStatus.Pending, c.Status));
    }

    [Theory]
    [InlineData(0, AdministrativeLevel.City)]
    [InlineData(3, AdministrativeLevel.Province)]
    [InlineData(10, AdministrativeLevel.StateCouncil)]
    [InlineData(30, AdministrativeLevel.StateCouncil)]
    public void The_grade_decides_how_high_the_ladder_goes(int deaths, AdministrativeLevel top)
    {
        Assert.Equal(top, GasLeak(deaths).TopLevel);
    }

    [Fact]
    public void The_next_level_runs_from_when_the_level_below_was_told()
    {
        var incident = IncidentWorkflow.Report(GasLeak(3), First(AdministrativeLevel.County, Known.AddMinutes(20)), Known.AddMinutes(25)).After!;

        var clocks = ReportingLadder.Clocks(incident, Known.AddMinutes(30));

        Assert.Equal(LadderClockStatus.Met, clocks[0].Status);
        Assert.Equal(Known.AddMinutes(20).AddHours(2), clocks[1].Due);
    }

    [Fact]
    public void A_missed_clock_is_overdue_and_stays_late_after_it_is_reported()
    {
        var incident = GasLeak(3);

        var overdue = ReportingLadder.Clocks(incident, Known.AddMinutes(61))[0];
        var reported = IncidentWorkflow.Report(incident, First(AdministrativeLevel.County, Known.AddMinutes(70)), Known.AddMinutes(71)).After!;
        var after = ReportingLadder.Clocks(reported, Known.AddHours(10))[0];

        Assert.Equal(LadderClockStatus.Overdue, overdue.Status);
        Assert.True(overdue.Late);
        Assert.Equal(LadderClockStatus.MetLate, after.Status);
        Assert.True(after.Late);
    }

    [Fact]
    public void A_clock_within_fifteen_minutes_of_its_due_time_is_due_soon_and_is_pushed_once()
    {
        var incident = GasLeak(3);
        var at = Known.AddMinutes(46);

        var push = IncidentWorkflow.ClocksToPush(incident, at);
        var marked = IncidentWorkflow.Mark(incident, [.. push.Select(c => new ClockMark(c.Key, c.Status, at, ["leader"]))], at).After!;

        Assert.Equal(["first:county"], push.Select(c => c.Key));
        Assert.Equal(LadderClockStatus.DueSoon, push[0].Status);
        Assert.Empty(IncidentWorkflow.ClocksToPush(marked, at.AddMinutes(5)));
        Assert.Equal([LadderClockStatus.Overdue], IncidentWorkflow.ClocksToPush(marked, Known.AddMinutes(61)).Select(c => c.Status));
    }

    [Fact]
    public void A_follow_up_raising_deaths_to_twelve_regrades_to_major_and_adds_the_state_council_level()
    {
        var now = Known.AddMinutes(30);
        var incident = IncidentWorkflow.Report(GasLeak(3), First(AdministrativeLevel.County, Known.AddMinutes(20)), now).After!;
        incident = IncidentWorkflow.Report(incident, First(AdministrativeLevel.City, now), now).After!;
        incident = IncidentWorkflow.Report(incident, First(AdministrativeLevel.Province, now), now).After!;
        var later = now.AddHours(3);

        var step = IncidentWorkflow.Report(incident,
            new ReportDraft(ReportKind.FollowUp, AdministrativeLevel.County, "li.wei", "县应急管理局", later, "续报: 死亡 12 人", new IncidentFigures(12, 0, 0, 0)), later);
        var clocks = ReportingLadder.Clocks(step.After!, later);

        Assert.Equal("reported_follow_up_regraded", step.Action);
        Assert.Equal(IncidentGrade.Major, step.After!.Grade);
        Assert.Equal(AdministrativeLevel.StateCouncil, step.After.TopLevel);
        Assert.Equal([new IncidentRegrade(later, IncidentGrade.Larger, IncidentGrade.Major, "li.wei")], step.After.Regrades);
        // The new level became required at the re-grade, after the province was told: its 2 h run from the re-grade.
        Assert.Equal(later.AddHours(2), clocks.Single(c => c.Level == AdministrativeLevel.StateCouncil).Due);
        Assert.DoesNotContain(clocks, c => c.Kind == ReportKind.FollowUp);
    }

    [Fact]
    public void Figures_corrected_down_keep_the_ladder_it_already_had()
    {
        var incident = IncidentWorkflow.UpdateFigures(GasLeak(3), new IncidentFigures(2, 0, 0, 0), "li.wei", Known.AddMinutes(30)).After!;

        Assert.Equal(IncidentGrade.General, incident.Grade);
        Assert.Equal(AdministrativeLevel.Province, incident.TopLevel);
    }

    [Fact]
    public void A_casualty_change_learnt_by_the_duty_room_owes_a_follow_up_by_the_end_of_that_china_day()
    {
        // 2026-12-06 10:00 UTC is 18:00 in Beijing: the follow-up is owed by midnight Beijing time, 16:00 UTC.
        var changed = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        var incident = IncidentWorkflow.UpdateFigures(GasLeak(1), new IncidentFigures(2, 0, 0, 0), "li.wei", changed).After!;

        var followUp = ReportingLadder.Clocks(incident, changed).Single(c => c.Kind == ReportKind.FollowUp);

        Assert.Equal("follow_up:1", followUp.Key);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 16, 0, 0, TimeSpan.Zero), followUp.Due);
    }

    [Theory]
    [InlineData("gas_leak", 29, true)]
    [InlineData("gas_leak", 31, false)]
    [InlineData("fire", 6, true)]
    [InlineData("road_traffic", 8, false)]
    public void Casualty_changes_owe_follow_ups_within_thirty_days_of_the_incident_or_seven_for_road_traffic_and_fire(string type, int days, bool owed)
    {
        var changed = Occurred.AddDays(days);
        var incident = IncidentWorkflow.UpdateFigures(GasLeak(1, type: type), new IncidentFigures(2, 0, 0, 0), "li.wei", changed).After!;
        var again = IncidentWorkflow.UpdateFigures(incident, new IncidentFigures(2, 1, 0, 0), "li.wei", changed.AddHours(1)).After!;

        var followUps = ReportingLadder.Clocks(again, changed.AddHours(1)).Where(c => c.Kind == ReportKind.FollowUp).Select(c => c.Key);

        // Each change inside the window owes its own follow-up; outside it, none is owed however the figures move.
        string[] expected = owed ? ["follow_up:1", "follow_up:2"] : [];
        Assert.Equal(expected, followUps);
    }

    [Fact]
    public void A_casualty_change_after_the_window_owes_no_follow_up()
    {
        var incident = IncidentWorkflow.UpdateFigures(GasLeak(1, type: "fire"), new IncidentFigures(2, 0, 0, 0), "li.wei", Occurred.AddDays(8)).After!;

        Assert.Empty(incident.CasualtyChanges);
    }
}
