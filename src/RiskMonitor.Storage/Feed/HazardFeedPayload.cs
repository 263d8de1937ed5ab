using System.Text.Json;
using RiskMonitor.Domain.Hazards;

namespace RiskMonitor.Storage.Feed;

/// <summary>The payload of every <c>hazard.*</c> event, schema version 1: the ledger line's action, actor and note, and the hazard after it.</summary>
public sealed record HazardFeedPayload(string Action, string Actor, string? Note, Hazard Hazard)
{
    internal string ToJson() => JsonSerializer.Serialize(this, FeedJson.Options);

    internal JsonElement ToElement() => JsonSerializer.SerializeToElement(this, FeedJson.Options);
}
