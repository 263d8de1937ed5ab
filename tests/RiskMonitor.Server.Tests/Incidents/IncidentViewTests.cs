using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Incidents;

namespace RiskMonitor.Server.Tests.Incidents;

/// <summary>What the API says about an incident after its closure: the review falls due within a year, and says so once late.</summary>
public sealed class IncidentViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_closed_incident_owes_its_review_within_a_year_is_shown_overdue_after_it_and_not_once_reviewed()
    {
        var incident = IncidentWorkflow.Open("inc-1", new IncidentDraft(
            "幸福路燃气泄漏爆燃", "gas_leak", "幸福路 8 号", "d-west", [], T0, T0, new IncidentFigures(3, 0, 0, 0), [], [], null, false), T0).After!;
        incident = IncidentWorkflow.Report(incident, new ReportDraft(ReportKind.First, AdministrativeLevel.County, "li.wei", "县应急管理局", T0.AddMinutes(30), "首报", null), T0.AddMinutes(30)).After!;
        incident = IncidentWorkflow.Report(incident, new ReportDraft(ReportKind.Final, AdministrativeLevel.County, "li.wei", "县应急管理局", T0.AddDays(20), "终报", null), T0.AddDays(20)).After!;
        var closedAt = T0.AddDays(60);
        var closed = IncidentWorkflow.Close(incident, "省安委会办公室", closedAt).After!;
        var reviewed = IncidentWorkflow.Review(closed, closedAt.AddDays(370)).After!;

        Assert.Equal(closedAt.AddDays(365), closed.ReviewDueAt);
        Assert.False(IncidentView.Of(closed, closedAt.AddDays(364)).ReviewOverdue);
        Assert.True(IncidentView.Of(closed, closedAt.AddDays(366)).ReviewOverdue);
        Assert.Equal(IncidentStatus.Reviewed, reviewed.Status);
        Assert.False(IncidentView.Of(reviewed, closedAt.AddDays(400)).ReviewOverdue);
    }
}
