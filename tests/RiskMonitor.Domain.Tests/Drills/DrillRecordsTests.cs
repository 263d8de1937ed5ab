using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Domain.Tests.Drills;

/// <summary>A drill's incidents and hazards in its report (decision 0049): their clocks as they stood at the drill's end, and who acted when.</summary>
public sealed class DrillRecordsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);

    private static Drill EndedDrill(DateTimeOffset endedAt)
    {
        var drill = DrillWorkflow.Plan("DR-1", "燃气泄漏演练", DrillMode.Unscripted, null, [], "zhang.min", T0).Drill!;
        return DrillWorkflow.End(drill, "zhang.min", endedAt).Drill;
    }

    [Fact]
    public void An_incident_line_names_who_acknowledged_arrived_and_reported_and_takes_its_clocks_at_the_drills_end()
    {
        var opened = IncidentWorkflow.Open("inc-1", new IncidentDraft("演练：阀门井泄漏", "gas_leak", null, null, [], T0, T0, new IncidentFigures(3, 0, 0, 0),
            ["gp-1!DR-1~gas~1"], [], "市应急管理局", true), T0).After!;
        var reported = IncidentWorkflow.Report(opened, new ReportDraft(ReportKind.First, AdministrativeLevel.County, "li.wei", "县应急管理局", T0.AddMinutes(40), "首报", null),
            T0.AddMinutes(40)).After!;
        var acts = new ResponseTimeline.AlertActs("gp-1!DR-1~gas~1", T0, [("acknowledged", "li.wei", T0.AddSeconds(30)), ("work_started", "wang.fang", T0.AddMinutes(12))]);

        // Read a day later: the city clock (2 h after the county's report) was still running when the drill ended.
        var line = DrillRecords.Incident(EndedDrill(T0.AddMinutes(90)), reported with { DrillId = "DR-1" }, [acts], T0.AddDays(1));

        Assert.Equal(["acknowledged", "on_site", "reported"], line.Steps.Select(s => s.Act));
        Assert.Equal([30.0, 720.0, 2400.0], line.Steps.Select(s => s.SecondsAfter));
        Assert.Equal(["li.wei", "wang.fang", "li.wei"], line.Steps.Select(s => s.Who));
        Assert.Equal(IncidentGrade.Larger, line.Grade);
        Assert.Equal(LadderClockStatus.Met, line.Clocks[0].Status);
        Assert.Equal(0, line.LateClocks);
    }

    [Fact]
    public void A_hazard_line_is_met_when_verified_by_its_deadline_and_missed_when_the_drill_ended_first()
    {
        var hazard = new Hazard("hz-1", HazardLevel.Major, HazardSource.Inspection, HazardStatus.Assigned, "演练：储罐无围堰", null, "t-g1", "hazardous_chemicals",
            null, "某化工公司", "市应急管理局", T0.AddMinutes(30), null, "chen", T0, T0)
        {
            DrillId = "DR-1",
        };
        DrillStepFact[] assigned = [new("reported", "chen", T0), new("assigned", "zhang.min", T0.AddMinutes(5))];

        var missed = DrillRecords.Hazard(EndedDrill(T0.AddMinutes(20)), hazard, assigned, T0.AddDays(1));
        var met = DrillRecords.Hazard(EndedDrill(T0.AddMinutes(60)), hazard with { Status = HazardStatus.Verified }, [.. assigned, new("verified", "zhang.min", T0.AddMinutes(25))], T0.AddDays(1));
        var running = DrillRecords.Hazard(DrillWorkflow.Plan("DR-1", "演练", DrillMode.Unscripted, null, [], "z", T0).Drill!, hazard, assigned, T0.AddMinutes(10));

        Assert.Equal(DrillClock.Missed, missed.Clock);
        Assert.Equal(DrillClock.Met, met.Clock);
        Assert.Equal(DrillClock.Running, running.Clock);
        Assert.Equal([0.0, 300.0], missed.Steps.Select(s => s.SecondsAfter));
        Assert.Equal("zhang.min", missed.Steps[1].Who);
    }

    [Fact]
    public void An_exercise_hazards_overdue_push_is_marked_and_a_real_ones_is_not()
    {
        var hazard = new Hazard("hz-2", HazardLevel.Major, HazardSource.Inspection, HazardStatus.Assigned, "储罐", null, null, null, null, "某公司", "市应急管理局",
            T0, null, "chen", T0, T0);

        var real = RecordMessage.HazardOverdue(hazard, 1, [], T0.AddHours(1), TimeSpan.FromHours(8));
        var drill = RecordMessage.HazardOverdue(hazard with { DrillId = "DR-1" }, 1, [], T0.AddHours(1), TimeSpan.FromHours(8));

        Assert.DoesNotContain(Exercise.Label, real.Title, StringComparison.Ordinal);
        Assert.StartsWith(Exercise.Label, drill.Title, StringComparison.Ordinal);
        Assert.True((hazard with { DrillId = "DR-1" }).Exercise);
        Assert.False(hazard.Exercise);
    }
}
