using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RiskMonitor.Contracts.Json;

/// <summary>
/// DESIGN.md §7: every time is RFC 3339 UTC with milliseconds (<c>2026-11-24T12:00:00.123Z</c>), whatever offset the
/// value carries, so clients can compare strings and never guess a zone.
/// </summary>
public sealed class UtcMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[24];
        value.UtcDateTime.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}

/// <summary>The wire JSON of REST, SignalR and the feed: part of the contract, so it lives here with the DTOs.</summary>
public static class RiskMonitorJson
{
    /// <summary>One JSON shape for REST and SignalR: camelCase members, snake_case enum values (<c>in_progress</c>, <c>red</c>).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null; // metric names and reason names are data, not members: keep them as sent
        // Names only: an integer would bind to any value of the enum's type, even one that names nothing ("level": 7
        // was stored and counted; issue 24 row 8).
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcMillisecondsConverter());
    }
}
