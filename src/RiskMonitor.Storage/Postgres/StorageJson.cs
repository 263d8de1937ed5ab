using System.Text.Json;
using System.Text.Json.Serialization;
using RiskMonitor.Storage.Alerts.Stored;

namespace RiskMonitor.Storage.Postgres;

/// <summary>
/// How records are written into <c>jsonb</c> columns and the alert journal: camelCase, snake_case enum values, so an
/// operator reading the ledger with psql sees the names the API uses. An alert always takes its own stored shape
/// (<see cref="StoredAlertV1"/>), wherever it sits, so an API rename never reaches stored alerts.
/// </summary>
internal static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The snake_case text of an enum value, as stored in the text columns (<c>in_progress</c>, <c>red</c>).</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static TEnum Parse<TEnum>(string text)
        where TEnum : struct, Enum => Enum.Parse<TEnum>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DictionaryKeyPolicy = null,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new StoredAlertJsonConverter());
        options.MakeReadOnly();
        return options;
    }
}
