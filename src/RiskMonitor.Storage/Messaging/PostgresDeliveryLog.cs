using Npgsql;
using NpgsqlTypes;

namespace RiskMonitor.Storage.Messaging;

/// <summary>The delivery log on PostgreSQL (table <c>message_deliveries</c>, migration 0025).</summary>
internal sealed class PostgresDeliveryLog(NpgsqlDataSource dataSource) : IDeliveryLog
{
    public async Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO message_deliveries (notice_id, alert_id, step, delivery_key, channel, address, provider_message_id, status, provider_status, at)
            VALUES (@notice_id, @alert_id, @step, @key, @channel, @address, @provider_id, @status, @provider_status, @at)
            """);
        var p = command.Parameters;
        p.AddWithValue("notice_id", record.NoticeId);
        p.AddWithValue("alert_id", record.AlertId);
        p.AddWithValue("step", record.Step);
        p.AddWithValue("key", record.Key);
        p.AddWithValue("channel", record.Channel);
        p.AddWithValue("address", record.Address);
        p.Add(new NpgsqlParameter("provider_id", NpgsqlDbType.Text) { Value = (object?)record.ProviderMessageId ?? DBNull.Value });
        p.AddWithValue("status", Name(record.Status));
        p.Add(new NpgsqlParameter("provider_status", NpgsqlDbType.Text) { Value = (object?)record.ProviderStatus ?? DBNull.Value });
        p.AddWithValue("at", record.At.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> ApplyReceiptAsync(
        string channel, string providerMessageId, DeliveryStatus status, string? providerStatus, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE message_deliveries SET status = @status, provider_status = @provider_status, receipt_at = @at
            WHERE channel = @channel AND provider_message_id = @provider_id
            """);
        var p = command.Parameters;
        p.AddWithValue("status", Name(status));
        p.Add(new NpgsqlParameter("provider_status", NpgsqlDbType.Text) { Value = (object?)providerStatus ?? DBNull.Value });
        p.AddWithValue("at", at.ToUniversalTime());
        p.AddWithValue("channel", channel);
        p.AddWithValue("provider_id", providerMessageId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(string? alertId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT notice_id, alert_id, step, delivery_key, address, provider_message_id, status, provider_status, at, receipt_at
            FROM message_deliveries
            WHERE @alert_id::text IS NULL OR alert_id = @alert_id
            ORDER BY delivery_id DESC LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("alert_id", NpgsqlDbType.Text) { Value = (object?)alertId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
        var records = new List<DeliveryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new DeliveryRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Enum.Parse<DeliveryStatus>(reader.GetString(6), ignoreCase: true),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8))
            {
                ReceiptAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            });
        }

        return records;
    }

    private static string Name(DeliveryStatus status) => status.ToString().ToLowerInvariant();
}
