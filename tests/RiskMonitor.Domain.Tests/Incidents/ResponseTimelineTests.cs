using RiskMonitor.Domain.Incidents;
using static RiskMonitor.Domain.Tests.Incidents.ReportingLadderTests;

namespace RiskMonitor.Domain.Tests.Incidents;

public sealed class ResponseTimelineTests
{
    [Fact]
    public void Acknowledging_arriving_and_reporting_are_listed_in_time_order_with_how_long_each_took()
    {
        var incident = GasLeak(3);
        var raised = incident.KnownAt.AddMinutes(-2);
        incident = IncidentWorkflow.Report(incident,
            new ReportDraft(ReportKind.First, AdministrativeLevel.County, "zhao.lin", "县应急管理局", incident.KnownAt.AddMinutes(40), "首报", null),
            incident.KnownAt.AddMinutes(41)).After!;
        var alert = new ResponseTimeline.AlertActs("alert-1", raised,
            [("raised", "system", raised), ("acknowledged", "li.wei", raised.AddMinutes(3)), ("commented", "li.wei", raised.AddMinutes(4)), ("work_started", "wang.qiang", raised.AddMinutes(25))]);

        var timeline = ResponseTimeline.Of(incident, [alert]);

        Assert.Equal(
            [
                new ResponseStep("acknowledged", "alert-1", "li.wei", raised.AddMinutes(3), TimeSpan.FromMinutes(3)),
                new ResponseStep("on_site", "alert-1", "wang.qiang", raised.AddMinutes(25), TimeSpan.FromMinutes(25)),
                new ResponseStep("reported", "first:county", "zhao.lin", incident.KnownAt.AddMinutes(40), TimeSpan.FromMinutes(40)),
            ],
            timeline.Steps);
    }
}
