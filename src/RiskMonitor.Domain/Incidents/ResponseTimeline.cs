namespace RiskMonitor.Domain.Incidents;

/// <summary>One act of the response: who did what, when, and how long after the start it came.</summary>
/// <param name="Act"><c>acknowledged</c>, <c>on_site</c> (work started on an alert) or <c>reported</c>.</param>
/// <param name="Subject">The alert acted on, or the report's kind and level (<c>first:county</c>).</param>
public sealed record ResponseStep(string Act, string Subject, string Who, DateTimeOffset At, TimeSpan After);

/// <summary>
/// Who acknowledged, arrived and reported, and how long each took (issue 21 item 5: the drill report; it reads the same
/// for a real incident). Alert acts count from the alert's raise, reports from when the unit knew.
/// </summary>
public sealed record ResponseTimeline(string IncidentId, bool Exercise, DateTimeOffset KnownAt, IReadOnlyList<ResponseStep> Steps)
{
    /// <summary>An alert's raise and its ledger's acts, as the alert store holds them.</summary>
    public sealed record AlertActs(string AlertId, DateTimeOffset RaisedAt, IReadOnlyList<(string Action, string Actor, DateTimeOffset At)> Ledger);

    /// <summary>The ledger actions that count as arriving on site: the alert's "work started" (in progress).</summary>
    public static IReadOnlyDictionary<string, string> AlertActNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["acknowledged"] = "acknowledged",
        ["work_started"] = "on_site",
    };

    public static ResponseTimeline Of(IncidentRecord incident, IReadOnlyList<AlertActs> alerts)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(alerts);
        var steps = alerts
            .SelectMany(a => a.Ledger
                .Where(l => AlertActNames.ContainsKey(l.Action))
                .Select(l => new ResponseStep(AlertActNames[l.Action], a.AlertId, l.Actor, l.At, l.At - a.RaisedAt)))
            .Concat(incident.Reports.Select(r => new ResponseStep(
                "reported", $"{ReportingLadder.KindKey(r.Kind)}:{ReportingLadder.LevelKey(r.Level)}", r.ReportedBy, r.At, r.At - incident.KnownAt)))
            .OrderBy(s => s.At).ThenBy(s => s.Act, StringComparer.Ordinal)
            .ToList();
        return new ResponseTimeline(incident.IncidentId, incident.Exercise, incident.KnownAt, steps);
    }
}
