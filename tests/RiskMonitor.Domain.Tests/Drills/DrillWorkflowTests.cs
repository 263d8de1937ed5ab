using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Drills;

public sealed class DrillWorkflowTests
{
    private static readonly DrillInject Leak = new("gp-1", "ch4_lel", 60, null);

    [Fact]
    public void An_unscripted_drill_runs_from_the_moment_it_is_planned()
    {
        var (drill, errors) = DrillWorkflow.Plan("DR-1", "燃气泄漏应急演练", DrillMode.Unscripted, null, [Leak], "duty", T0);

        Assert.Empty(errors);
        Assert.Equal(DrillStatus.Running, drill!.Status);
        Assert.Equal(T0, drill.StartedAt);
        Assert.Equal("duty", drill.StartedBy);
    }

    [Fact]
    public void A_scheduled_drill_needs_a_time_ahead_and_starts_then()
    {
        Assert.Contains("scheduledFor", DrillWorkflow.Plan("DR-1", "演练", DrillMode.Scheduled, null, [Leak], "duty", T0).Errors.Keys);
        Assert.Contains("scheduledFor", DrillWorkflow.Plan("DR-1", "演练", DrillMode.Scheduled, T0, [Leak], "duty", T0).Errors.Keys);
        var drill = DrillWorkflow.Plan("DR-1", "演练", DrillMode.Scheduled, T0.AddHours(1), [Leak], "duty", T0).Drill!;

        Assert.Equal(DrillStatus.Scheduled, drill.Status);
        Assert.False(DrillWorkflow.DueToStart(drill, T0.AddMinutes(59)));
        Assert.True(DrillWorkflow.DueToStart(drill, T0.AddHours(1)));
        var (outcome, started) = DrillWorkflow.Start(drill, DrillSchedulerActor, T0.AddHours(1));
        Assert.Equal(WorkflowOutcome.Done, outcome);
        Assert.Equal(DrillStatus.Running, started.Status);
        Assert.Equal(WorkflowOutcome.NotAllowed, DrillWorkflow.Start(started, "duty", T0.AddHours(2)).Outcome);
    }

    private const string DrillSchedulerActor = "scheduler";

    [Fact]
    public void Only_a_running_drill_takes_injects_and_an_ended_one_stays_ended()
    {
        var scheduled = DrillWorkflow.Plan("DR-1", "演练", DrillMode.Scheduled, T0.AddHours(1), [], "duty", T0).Drill!;
        Assert.Equal(WorkflowOutcome.NotAllowed, DrillWorkflow.Record(scheduled, [Leak], "duty", T0).Outcome);

        var running = DrillWorkflow.Start(scheduled, "duty", T0.AddMinutes(5)).Drill;
        var (injected, withLeak) = DrillWorkflow.Record(running, [Leak], "duty", T0.AddMinutes(6));
        Assert.Equal(WorkflowOutcome.Done, injected);
        Assert.Equal(["gp-1!DR-1"], withLeak.AssetKeys);

        var ended = DrillWorkflow.End(withLeak, "duty", T0.AddMinutes(30)).Drill;
        Assert.Equal(DrillStatus.Ended, ended.Status);
        Assert.Equal(WorkflowOutcome.NotAllowed, DrillWorkflow.Record(ended, [Leak], "duty", T0.AddMinutes(31)).Outcome);
        Assert.Equal(WorkflowOutcome.NotAllowed, DrillWorkflow.End(ended, "duty", T0.AddMinutes(31)).Outcome);
        Assert.Equal(DrillStatus.Cancelled, DrillWorkflow.End(scheduled, "duty", T0).Drill.Status);
    }

    [Theory]
    [InlineData("gp-1", "ch4_lel", 60.0, null, true)]
    [InlineData("el-1", null, null, "entrapment", true)]
    [InlineData("gp-1", "ch4_lel", null, null, false)]
    [InlineData("gp-1", "ch4_lel", 60.0, "entrapment", false)]
    [InlineData("gp-1", null, null, null, false)]
    [InlineData("gp 1", "ch4_lel", 60.0, null, false)]
    [InlineData("gp-1!DR-1", "ch4_lel", 60.0, null, false)]
    [InlineData("el-1", null, null, "Entrapment", false)]
    [InlineData("gp-1", "ch4_lel", double.NaN, null, false)]
    public void An_inject_is_a_reading_or_an_event_on_a_real_asset_id(string assetId, string? metric, double? value, string? code, bool good) =>
        Assert.Equal(good, DrillWorkflow.InjectProblem(new DrillInject(assetId, metric, value, code)) is null);

    [Fact]
    public void The_report_says_who_acknowledged_when_and_which_clocks_were_met()
    {
        var drill = DrillWorkflow.End(DrillWorkflow.Plan("DR-1", "演练", DrillMode.Unscripted, null, [], "duty", T0).Drill!, "duty", T0.AddMinutes(30)).Drill;
        DrillAlertFacts Alert(string id, int ackAfterSeconds) => new(id, "gp-1", "ch4_lel.high", WarningLevel.Red, T0, T0.AddMinutes(5), null,
            ackAfterSeconds < 0 ? [new("raised", "system", T0)] : [new("raised", "system", T0), new("acknowledged", "张三", T0.AddSeconds(ackAfterSeconds))]);

        var report = DrillReport.Compute(drill, [Alert("a", 90), Alert("b", 400), Alert("c", -1)], T0.AddHours(1));

        Assert.True(report.Exercise);
        Assert.Equal([DrillClock.Met, DrillClock.MetLate, DrillClock.Missed], report.Alerts.Select(a => a.Clock));
        Assert.Equal("张三", report.Alerts[0].Acknowledged!.Actor);
        Assert.Equal(90, report.Alerts[0].Acknowledged!.SecondsAfterRaise);
        Assert.Equal(new DrillReportSummary(3, 2, 1, 1, 1, 245), report.Summary);
    }

    [Fact]
    public void An_alert_of_a_running_drill_is_still_in_time_until_each_deadline()
    {
        var drill = DrillWorkflow.Plan("DR-1", "演练", DrillMode.Unscripted, null, [], "duty", T0).Drill!;
        var alert = new DrillAlertFacts("a", "gp-1", "el.entrapment", WarningLevel.Red, T0, T0.AddMinutes(5), T0.AddMinutes(30), [new("raised", "system", T0)]);

        Assert.Equal(DrillClock.Running, DrillReport.Compute(drill, [alert], T0.AddMinutes(4)).Alerts[0].Clock);
        Assert.Equal(DrillClock.Missed, DrillReport.Compute(drill, [alert], T0.AddMinutes(6)).Alerts[0].Clock);
        Assert.Equal(DrillClock.Running, DrillReport.Compute(drill, [alert], T0.AddMinutes(6)).Alerts[0].RespondClock);
        Assert.Equal(DrillClock.Missed, DrillReport.Compute(drill, [alert with { Steps = [new("acknowledged", "张三", T0.AddMinutes(1))] }], T0.AddMinutes(31)).Alerts[0].RespondClock);
    }
}
