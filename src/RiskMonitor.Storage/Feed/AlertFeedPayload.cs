using System.Text.Json;
using RiskMonitor.Contracts.Alerts;

namespace RiskMonitor.Storage.Feed;

/// <summary>The payload of every <c>alert.*</c> event, schema version 1: the ledger line's action, actor and note, and the alert after it.</summary>
public sealed record AlertFeedPayload(string Action, string Actor, string? Note, AlertView Alert)
{
    internal string ToJson() => JsonSerializer.Serialize(this, FeedJson.Options);

    internal JsonElement ToElement() => JsonSerializer.SerializeToElement(this, FeedJson.Options);

    /// <summary>The payload of an <c>alert.*</c> (or a drill's <c>exercise.alert.*</c>) event (schema version 1); null for any other event.</summary>
    public static AlertFeedPayload? From(FeedEvent feedEvent)
    {
        ArgumentNullException.ThrowIfNull(feedEvent);
        var type = FeedEventTypes.IsExercise(feedEvent.Type) ? feedEvent.Type[FeedEventTypes.ExercisePrefix.Length..] : feedEvent.Type;
        return type.StartsWith("alert.", StringComparison.Ordinal) && feedEvent.SchemaVersion == FeedEventTypes.AlertSchemaVersion
            ? feedEvent.Payload.Deserialize<AlertFeedPayload>(FeedJson.Options)
            : null;
    }
}
