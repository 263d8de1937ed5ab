using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Notifications;

/// <summary>The outbox on PostgreSQL (table <c>notification_outbox</c>, migration 0009).</summary>
internal sealed class PostgresNotificationOutbox(NpgsqlDataSource dataSource) : INotificationOutbox
{
    private const string Columns =
        "notice_id, alert_id, step, created_at, attempts, delivered_channels, delivered_at, failed_at, last_error, payload::text";

    /// <summary>Writes a notice inside the caller's transaction (the one that writes its ledger line).</summary>
    public static async Task AddAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO notification_outbox (alert_id, step, created_at, payload, next_attempt_at)
            VALUES (@alert_id, @step, @at, @payload, @at)
            """, connection, transaction);
        insert.Parameters.AddWithValue("alert_id", notice.Alert.AlertId);
        insert.Parameters.AddWithValue("step", notice.Step);
        insert.Parameters.AddWithValue("at", at.ToUniversalTime());
        insert.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(notice, StorageJson.Options) });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxNotice>> ClaimDueAsync(
        DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        // SKIP LOCKED: two workers (two nodes) never take the same notice at once.
        await using var command = dataSource.CreateCommand($"""
            UPDATE notification_outbox SET next_attempt_at = @lease_until
            WHERE notice_id IN (
                SELECT notice_id FROM notification_outbox
                WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now
                ORDER BY notice_id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("lease_until", leaseUntil.ToUniversalTime());
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
        return [.. (await ReadAsync(command, cancellationToken)).OrderBy(n => n.NoticeId)];
    }

    public async Task MarkDeliveredAsync(long noticeId, IReadOnlyCollection<string> channels, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE notification_outbox SET delivered_at = @at, delivered_channels = @channels, attempts = attempts + 1, last_error = NULL
            WHERE notice_id = @id
            """);
        command.Parameters.AddWithValue("id", noticeId);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter("channels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = channels.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFailedAsync(
        long noticeId, IReadOnlyCollection<string> deliveredChannels, string error, DateTimeOffset at, DateTimeOffset? nextAttemptAt,
        CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE notification_outbox
            SET attempts = attempts + 1, delivered_channels = @channels, last_error = @error,
                next_attempt_at = coalesce(@next, next_attempt_at), failed_at = CASE WHEN @next IS NULL THEN @at END
            WHERE notice_id = @id
            """);
        var p = command.Parameters;
        p.AddWithValue("id", noticeId);
        p.AddWithValue("at", at.ToUniversalTime());
        p.AddWithValue("error", error);
        p.Add(new NpgsqlParameter("channels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deliveredChannels.ToArray() });
        p.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = nextAttemptAt is { } next ? next.ToUniversalTime() : DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxNotice>> ListAsync(string? alertId, OutboxStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM notification_outbox
            WHERE (@alert_id::text IS NULL OR alert_id = @alert_id)
              AND (@status::text IS NULL
                   OR (@status = 'delivered' AND delivered_at IS NOT NULL)
                   OR (@status = 'failed' AND failed_at IS NOT NULL)
                   OR (@status = 'pending' AND delivered_at IS NULL AND failed_at IS NULL))
            ORDER BY notice_id DESC
            LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("alert_id", NpgsqlDbType.Text) { Value = (object?)alertId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = status is { } s ? StorageJson.Name(s) : DBNull.Value });
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 10_000));
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<OutboxNotice>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var notices = new List<OutboxNotice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            notices.Add(new OutboxNotice(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt32(4),
                reader.GetFieldValue<string[]>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                JsonSerializer.Deserialize<EscalationNotice>(reader.GetString(9), StorageJson.Options)
                    ?? throw new InvalidDataException("An outbox row holds JSON null.")));
        }

        return notices;
    }
}
