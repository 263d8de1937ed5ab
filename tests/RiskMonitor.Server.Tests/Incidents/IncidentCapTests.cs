using System.Xml.Linq;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Incidents;
using RiskMonitor.Server.Tests.Cap;

namespace RiskMonitor.Server.Tests.Incidents;

/// <summary>The CAP mapping of incidents on its own: valid CAP 1.2, Exercise for a drill, an Update once changed.</summary>
public sealed class IncidentCapTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);
    private static readonly XNamespace C = CapSchema.Namespace;

    private static IncidentRecord Incident(bool exercise) => IncidentWorkflow.Open("inc-1", new IncidentDraft(
        "幸福路燃气泄漏爆燃", "gas_leak", "幸福路 8 号", "d-west", [], T0, T0, new IncidentFigures(3, 0, 0, 0), [], [], null, exercise), T0).After!;

    [Fact]
    public void A_new_larger_incident_is_an_actual_severe_alert_with_its_grade_basis()
    {
        var xml = IncidentCap.ToXml(Incident(exercise: false), "rm@city");

        Assert.Empty(CapSchema.Validate(xml));
        Assert.Equal(("Actual", "Alert"), (xml.Element(C + "status")!.Value, xml.Element(C + "msgType")!.Value));
        Assert.Equal("Severe", xml.Element(C + "info")!.Element(C + "severity")!.Value);
        Assert.Contains("条例第三条", xml.Element(C + "info")!.Element(C + "description")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drill_is_an_exercise_and_a_regraded_one_is_an_extreme_update_referencing_the_first()
    {
        var incident = Incident(exercise: true);
        var regraded = IncidentWorkflow.UpdateFigures(incident, new IncidentFigures(12, 0, 0, 0), "li.wei", T0.AddHours(2)).After!;

        var xml = IncidentCap.ToXml(regraded, "rm@city");

        Assert.Empty(CapSchema.Validate(xml));
        Assert.Equal(("Exercise", "Update"), (xml.Element(C + "status")!.Value, xml.Element(C + "msgType")!.Value));
        Assert.StartsWith("rm@city,rm-incident-inc-1,", xml.Element(C + "references")!.Value, StringComparison.Ordinal);
        Assert.Equal("Extreme", xml.Element(C + "info")!.Element(C + "severity")!.Value);
        Assert.StartsWith("【演练】", xml.Element(C + "info")!.Element(C + "headline")!.Value, StringComparison.Ordinal);
    }
}
