using System.Text.Json;
using RiskMonitor.Contracts.Json;

namespace RiskMonitor.Storage.Feed;

/// <summary>
/// How feed payloads are written: the wire JSON of the REST API and hubs (UTC times with milliseconds, snake_case enum
/// values), so an alert in the feed is byte-for-byte the alert <c>GET /api/alerts/{id}</c> shows, not the storage form.
/// </summary>
internal static class FeedJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        RiskMonitorJson.Configure(options);
        options.TypeInfoResolver ??= new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
