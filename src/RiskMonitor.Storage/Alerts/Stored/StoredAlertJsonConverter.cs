using System.Text.Json;
using System.Text.Json.Serialization;
using RiskMonitor.Contracts.Alerts;

namespace RiskMonitor.Storage.Alerts.Stored;

/// <summary>
/// Makes every <see cref="AlertView"/> that Storage writes or reads through <see cref="Postgres.StorageJson"/> take the
/// stored shape, wherever it sits: a row, a ledger line, an outbox notice, a journal entry.
/// </summary>
internal sealed class StoredAlertJsonConverter : JsonConverter<AlertView>
{
    public override AlertView Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (JsonSerializer.Deserialize<StoredAlertV1>(ref reader, options) ?? throw new JsonException("A stored alert is JSON null.")).ToView();

    public override void Write(Utf8JsonWriter writer, AlertView value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, StoredAlertV1.From(value), options);
}
