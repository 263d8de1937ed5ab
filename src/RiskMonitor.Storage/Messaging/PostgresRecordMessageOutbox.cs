using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Messaging;

/// <summary>The record outbox in PostgreSQL (table <c>record_messages</c>, migration 0046).</summary>
internal sealed class PostgresRecordMessageOutbox(NpgsqlDataSource dataSource) : IRecordMessageOutbox
{
    private const string Columns = "message_id, message::text, attempts, delivered_keys, delivered_at, failed_at, last_error";

    public async Task<bool> EnqueueAsync(RecordMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO record_messages (subject, kind, step, created_at, message, next_attempt_at)
            VALUES (@subject, @kind, @step, @created_at, @message::jsonb, @due_at)
            ON CONFLICT ON CONSTRAINT record_messages_once DO NOTHING
            """);
        var p = command.Parameters;
        p.AddWithValue("subject", message.Subject);
        p.AddWithValue("kind", message.Kind);
        p.AddWithValue("step", message.Step);
        p.AddWithValue("created_at", message.CreatedAt.ToUniversalTime());
        p.AddWithValue("due_at", dueAt.ToUniversalTime());
        p.AddWithValue("message", JsonSerializer.Serialize(message, StorageJson.Options));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<QueuedRecordMessage>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        // SKIP LOCKED: two nodes claiming at once take different rows; the lease brings back those of a node that died.
        await using var command = dataSource.CreateCommand($"""
            UPDATE record_messages SET next_attempt_at = @lease_until
            WHERE message_id IN (
                SELECT message_id FROM record_messages
                WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now
                ORDER BY next_attempt_at, message_id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("lease_until", leaseUntil.ToUniversalTime());
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task MarkAsync(long messageId, IReadOnlyCollection<string> deliveredKeys, string? error, DateTimeOffset at, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveredKeys);
        await using var command = dataSource.CreateCommand("""
            UPDATE record_messages SET attempts = attempts + 1, delivered_keys = @keys, last_error = @error,
                delivered_at = CASE WHEN @error::text IS NULL THEN @at END,
                failed_at = CASE WHEN @error::text IS NOT NULL AND @next::timestamptz IS NULL THEN @at END,
                next_attempt_at = coalesce(@next, @at)
            WHERE message_id = @id
            """);
        var p = command.Parameters;
        p.AddWithValue("id", messageId);
        p.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deliveredKeys.ToArray() });
        p.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        p.AddWithValue("at", at.ToUniversalTime());
        p.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = (object?)nextAttemptAt?.ToUniversalTime() ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<QueuedRecordMessage>> ListAsync(string? subject, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM record_messages WHERE (@subject::text IS NULL OR subject = @subject)
            ORDER BY message_id DESC LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("subject", NpgsqlDbType.Text) { Value = (object?)subject ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 10_000));
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<QueuedRecordMessage>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<QueuedRecordMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QueuedRecordMessage(
                reader.GetInt64(0),
                JsonSerializer.Deserialize<RecordMessage>(reader.GetString(1), StorageJson.Options) ?? throw new InvalidDataException("A record message holds JSON null."),
                reader.GetInt32(2),
                reader.GetFieldValue<string[]>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return rows;
    }
}
