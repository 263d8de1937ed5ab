using System.Globalization;
using System.Xml.Linq;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Integration;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// An incident as an OASIS CAP 1.2 message: identifier <c>rm-incident-{id}</c>, <c>msgType=Alert</c> for the first
/// version and <c>Update</c> after, <c>status=Exercise</c> for a drill (so no receiving system acts on it), severity
/// from the grade (特别重大 and 重大 Extreme, 较大 Severe, 一般 Moderate), the grade's basis as the description.
/// </summary>
internal static class IncidentCap
{
    /// <summary>
    /// The incident events the CAP feed carries: the ones that change what a receiver acts on (a new incident, its
    /// grade, its end). A drill never reaches the feed (decision 0037), so the feed carries no Exercise message.
    /// </summary>
    public static readonly IReadOnlyList<string> FeedEventTypes =
        [.. new[] { "opened", "regraded", "reported_first_regraded", "reported_follow_up_regraded", "reported_final_regraded", "closed" }
            .Select(Storage.Incidents.IncidentFeedPayload.TypeFor)];

    public static XElement ToXml(IncidentRecord incident, string sender)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var cap = CapAlert.Cap;
        var first = incident.UpdatedAt <= incident.CreatedAt;
        var identifier = $"rm-incident-{incident.IncidentId}";
        var root = new XElement(cap + "alert",
            new XElement(cap + "identifier", first ? identifier : $"{identifier}.{incident.UpdatedAt.UtcDateTime:yyyyMMddTHHmmssfff}"),
            new XElement(cap + "sender", sender),
            new XElement(cap + "sent", CapAlert.Time(incident.UpdatedAt)),
            new XElement(cap + "status", incident.Exercise ? "Exercise" : "Actual"),
            new XElement(cap + "msgType", first ? "Alert" : "Update"),
            new XElement(cap + "scope", "Restricted"),
            new XElement(cap + "restriction", "City safety risk monitoring platform and authorised agencies"));
        if (!first)
        {
            root.Add(new XElement(cap + "references", $"{sender},{identifier},{CapAlert.Time(incident.CreatedAt)}"));
        }

        var ended = incident.Status != IncidentStatus.Open;
        var label = IncidentGrading.Label(incident.Grade);
        root.Add(new XElement(cap + "info",
            new XElement(cap + "language", "zh-CN"),
            new XElement(cap + "category", "Safety"),
            new XElement(cap + "event", $"{label}事故 {incident.Type}"),
            new XElement(cap + "responseType", ended ? "AllClear" : "Monitor"),
            new XElement(cap + "urgency", ended ? "Past" : "Immediate"),
            new XElement(cap + "severity", incident.Grade switch
            {
                IncidentGrade.ExtremelyMajor or IncidentGrade.Major => "Extreme",
                IncidentGrade.Larger => "Severe",
                _ => "Moderate",
            }),
            new XElement(cap + "certainty", "Observed"),
            new XElement(cap + "headline", $"{(incident.Exercise ? "【演练】" : "")}[{label}] {incident.Title}"),
            new XElement(cap + "description", string.Join("\n", incident.GradeBasis.Prepend(
                $"死亡 {incident.Figures.Deaths}, 重伤 {incident.Figures.SeriouslyInjured}, 失踪 {incident.Figures.Missing}, 直接经济损失 {incident.Figures.DirectLossYuan.ToString(CultureInfo.InvariantCulture)} 元"))),
            new XElement(cap + "area", new XElement(cap + "areaDesc", incident.Place ?? incident.RegionId ?? "unknown"))));
        return root;
    }
}
