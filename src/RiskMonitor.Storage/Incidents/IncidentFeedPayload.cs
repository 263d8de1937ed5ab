using System.Text.Json;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Storage.Incidents;

/// <summary>
/// The payload of every <c>incident.*</c> feed event, schema version 1: the ledger line's action, actor and note, and the
/// incident after it. An exercise (drill) incident is never written to the feed: the feed is the city platform's record
/// of real events, and a drill must leave it unchanged (issue 21 item 5).
/// </summary>
public sealed record IncidentFeedPayload(string Action, string Actor, string? Note, IncidentRecord Incident)
{
    public const int SchemaVersion = 1;

    /// <summary><c>incident.opened</c>, <c>incident.reported_first</c>, <c>incident.regraded</c>, <c>incident.clock_missed</c>, ...</summary>
    public static string TypeFor(string action) => "incident." + action;

    internal string ToJson() => JsonSerializer.Serialize(this, FeedJson.Options);

    internal JsonElement ToElement() => JsonSerializer.SerializeToElement(this, FeedJson.Options);
}
