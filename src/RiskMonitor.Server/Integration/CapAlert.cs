using System.Globalization;
using System.Text;
using System.Xml.Linq;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// An alert as an OASIS CAP 1.2 message (docs/decisions/0016-cap.md has the mapping and why). The first version of an
/// alert is <c>msgType=Alert</c> with identifier <c>rm-{alertId}</c>; every later version is an <c>Update</c> whose
/// identifier adds its update time and which references the first, so a CAP consumer threads them. A cleared or closed
/// alert is an <c>Update</c> with <c>responseType=AllClear</c> and <c>urgency=Past</c>.
/// </summary>
internal static class CapAlert
{
    public static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";
    public const string MediaType = "application/cap+xml";

    /// <param name="raised">
    /// From the feed: whether this version is the alert's raise (the event type says so). Left out, the version is the
    /// first when nothing changed since the raise; a raise and its clear taken in from one batch carry the same time, and
    /// the clear is still an Update.
    /// </param>
    public static XElement ToXml(AlertView alert, string sender, bool? raised = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var ended = !alert.ConditionActive || alert.State is AlertState.Resolved or AlertState.Closed;
        var first = raised ?? (alert.UpdatedAt <= alert.RaisedAt && !ended);
        var root = new XElement(Cap + "alert",
            new XElement(Cap + "identifier", first ? FirstIdentifier(alert) : $"{FirstIdentifier(alert)}.{alert.UpdatedAt.UtcDateTime:yyyyMMddTHHmmssfff}"),
            new XElement(Cap + "sender", sender),
            new XElement(Cap + "sent", Time(alert.UpdatedAt)),
            // A drill's alert is an Exercise (decision 0042): a receiving system must not act on it.
            new XElement(Cap + "status", alert.Drill is null ? "Actual" : "Exercise"),
            new XElement(Cap + "msgType", first ? "Alert" : "Update"),
            new XElement(Cap + "scope", "Restricted"),
            new XElement(Cap + "restriction", "City safety risk monitoring platform and authorised agencies"));
        if (alert.Drill is { } drill)
        {
            root.Add(new XElement(Cap + "note", $"{Domain.Drills.Exercise.Label} drill {drill}"));
        }

        if (!first)
        {
            root.Add(new XElement(Cap + "references", $"{sender},{FirstIdentifier(alert)},{Time(alert.RaisedAt)}"));
        }

        var info = new XElement(Cap + "info", new XElement(Cap + "language", "zh-CN"));
        info.Add(Categories(alert).Select(c => new XElement(Cap + "category", c)));
        info.Add(
            new XElement(Cap + "event", Event(alert)),
            new XElement(Cap + "responseType", ended ? "AllClear" : "Monitor"),
            new XElement(Cap + "urgency", ended ? "Past" : Urgency(alert.Level)),
            new XElement(Cap + "severity", Severity(alert.Severity)),
            new XElement(Cap + "certainty", Certainty(alert)),
            new XElement(Cap + "eventCode", new XElement(Cap + "valueName", "riskmonitor:ruleId"), new XElement(Cap + "value", alert.RuleId)),
            new XElement(Cap + "effective", Time(alert.RaisedAt)),
            new XElement(Cap + "onset", Time(alert.ReadingTime)),
            new XElement(Cap + "senderName", "RiskMonitor"),
            new XElement(Cap + "headline", Truncate($"{alert.AssetName}: {alert.Message}", 160)),
            new XElement(Cap + "description", Description(alert)));
        foreach (var (name, value) in Parameters(alert))
        {
            info.Add(new XElement(Cap + "parameter", new XElement(Cap + "valueName", name), new XElement(Cap + "value", value)));
        }

        info.Add(new XElement(Cap + "area",
            new XElement(Cap + "areaDesc", $"{alert.RegionId} / {alert.AssetName} ({alert.AssetId})"),
            new XElement(Cap + "geocode", new XElement(Cap + "valueName", "riskmonitor:regionId"), new XElement(Cap + "value", alert.RegionId))));
        root.Add(info);
        return root;
    }

    /// <summary>四级预警 to CAP severity: red (I级, 特别严重) Extreme, orange Severe, yellow Moderate, blue Minor.</summary>
    public static string Severity(WarningLevel level) => level switch
    {
        WarningLevel.Red => "Extreme",
        WarningLevel.Orange => "Severe",
        WarningLevel.Yellow => "Moderate",
        WarningLevel.Blue => "Minor",
        _ => "Unknown",
    };

    /// <summary>
    /// How soon to act while the condition is live: red and orange Immediate (their acknowledge deadlines are 5 and 15
    /// minutes), yellow Expected (within the hour), blue Future. A condition that has gone is Past.
    /// </summary>
    public static string Urgency(WarningLevel level) => level switch
    {
        WarningLevel.Red or WarningLevel.Orange => "Immediate",
        WarningLevel.Yellow => "Expected",
        WarningLevel.Blue => "Future",
        _ => "Unknown",
    };

    /// <summary>A measured threshold or a device event is Observed; a silent sensor only makes a hazard Possible.</summary>
    public static string Certainty(AlertView alert) =>
        alert.RuleId.Contains("offline", StringComparison.OrdinalIgnoreCase) || alert.RuleId.Contains("silence", StringComparison.OrdinalIgnoreCase)
            ? "Possible"
            : "Observed";

    /// <summary>By industry: gas Infra + Fire (a leak is an explosion risk on a utility), lifts Safety (+ Rescue on entrapment), chemicals CBRNE.</summary>
    public static IReadOnlyList<string> Categories(AlertView alert) => alert.Industry switch
    {
        "gas" => ["Infra", "Fire"],
        "special_equipment" when alert.RuleId.Contains("entrapment", StringComparison.OrdinalIgnoreCase) => ["Safety", "Rescue"],
        "special_equipment" => ["Safety"],
        "hazardous_chemicals" => ["CBRNE"],
        "water" or "drainage" or "bridge" or "water_supply" => ["Infra"],
        _ => ["Other"],
    };

    /// <summary>CAP's dateTime: seconds and a numeric offset, UTC written as <c>-00:00</c> (no <c>Z</c>, no fraction).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "-00:00";

    private static string FirstIdentifier(AlertView alert)
    {
        // CAP identifiers may not hold spaces, commas, '<' or '&'; alert ids are asset~rule~millis, kept readable.
        var id = new StringBuilder("rm-");
        foreach (var c in alert.AlertId)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '~' or ':' ? c : '_');
        }

        return id.ToString();
    }

    private static string Event(AlertView alert) => Truncate($"{alert.Kind} {alert.Metric ?? alert.RuleId} {alert.Level.ToString().ToLowerInvariant()} warning", 200);

    private static string Description(AlertView alert)
    {
        var text = new StringBuilder(alert.Message);
        if (alert.Value is { } value)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({alert.Metric} = {value})");
        }

        text.Append(CultureInfo.InvariantCulture, $". State: {alert.State.ToString().ToLowerInvariant()}, condition {(alert.ConditionActive ? "active" : "cleared")}.");
        return text.ToString();
    }

    private static IEnumerable<(string Name, string Value)> Parameters(AlertView alert)
    {
        yield return ("riskmonitor:alertId", alert.AlertId);
        yield return ("riskmonitor:assetId", alert.AssetId);
        yield return ("riskmonitor:state", alert.State.ToString().ToLowerInvariant());
        yield return ("riskmonitor:level", alert.Level.ToString().ToLowerInvariant());
        yield return ("riskmonitor:conditionActive", alert.ConditionActive ? "true" : "false");
        if (alert.Metric is { } metric && alert.Value is { } value)
        {
            yield return ("riskmonitor:" + metric, value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
