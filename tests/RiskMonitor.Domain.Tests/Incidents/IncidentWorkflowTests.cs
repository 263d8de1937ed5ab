using RiskMonitor.Domain.Incidents;
using static RiskMonitor.Domain.Tests.Incidents.ReportingLadderTests;

namespace RiskMonitor.Domain.Tests.Incidents;

public sealed class IncidentWorkflowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Negative_casualties_are_refused_with_the_field_named()
    {
        var step = IncidentWorkflow.UpdateFigures(GasLeak(3), new IncidentFigures(-1, 0, 0, 0), "li.wei", Now);

        Assert.False(step.Done);
        Assert.Equal(IncidentRefusal.Invalid, step.Refusal);
        Assert.Equal("Deaths", step.Field);
    }

    [Fact]
    public void A_report_to_a_level_beyond_the_ladder_is_refused()
    {
        var step = IncidentWorkflow.Report(GasLeak(0), new ReportDraft(ReportKind.First, AdministrativeLevel.Province, "li.wei", "省应急管理厅", Now, "首报", null), Now);

        Assert.Equal(IncidentRefusal.Invalid, step.Refusal);
        Assert.Equal("Level", step.Field);
    }

    [Fact]
    public void A_follow_up_needs_the_first_report_to_that_level()
    {
        var step = IncidentWorkflow.Report(GasLeak(3), new ReportDraft(ReportKind.FollowUp, AdministrativeLevel.County, "li.wei", "县应急管理局", Now, "续报", null), Now);

        Assert.Equal(IncidentRefusal.Conflict, step.Refusal);
    }

    [Fact]
    public void Closing_needs_the_final_report_and_a_supervising_body_for_a_larger_incident_then_a_review_is_due_within_a_year()
    {
        var incident = IncidentWorkflow.Report(GasLeak(3), new ReportDraft(ReportKind.First, AdministrativeLevel.County, "li.wei", "县应急管理局", Now, "首报", null), Now).After!;
        var early = IncidentWorkflow.Close(incident, null, Now);
        incident = IncidentWorkflow.Report(incident, new ReportDraft(ReportKind.Final, AdministrativeLevel.County, "li.wei", "县应急管理局", Now, "终报", null), Now).After!;
        var unsupervised = IncidentWorkflow.Close(incident, null, Now);

        var closed = IncidentWorkflow.Close(incident, "省安委会办公室", Now);
        var reviewed = IncidentWorkflow.Review(closed.After!, Now.AddDays(200));

        Assert.Equal(IncidentRefusal.Conflict, early.Refusal);
        Assert.Equal(IncidentRefusal.Invalid, unsupervised.Refusal);
        Assert.Equal(Now.AddDays(365), closed.After!.ReviewDueAt);
        Assert.Equal(IncidentStatus.Reviewed, reviewed.After!.Status);
        Assert.Empty(IncidentWorkflow.ClocksToPush(closed.After, Now.AddDays(1)));
    }

    [Fact]
    public void An_incident_cannot_be_known_before_it_happened()
    {
        var step = IncidentWorkflow.Open("x", new IncidentDraft("t", "gas_leak", null, null, [], Now, Now.AddMinutes(-1), IncidentFigures.None, [], [], null, false), Now);

        Assert.Equal("KnownAt", step.Field);
    }
}
