using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace RiskMonitor.Storage.Feed;

/// <summary>The feed on PostgreSQL (table <c>feed_events</c>, migration 0008).</summary>
internal sealed class PostgresFeedStore(NpgsqlDataSource dataSource, FeedSignal signal) : IFeedStore, IFeedAppender
{
    /// <summary>
    /// The transaction-scoped advisory lock every feed writer holds from its insert to its commit ("RmFeed" in ASCII).
    /// PostgreSQL releases it only after the commit is visible, so the next writer's cursor is drawn after the previous
    /// writer's row can be seen: cursors become visible in cursor order, and a reader that has seen cursor N has seen
    /// every committed cursor below N (docs/decisions/0014-integration-feed.md).
    /// </summary>
    public const long AppendLockKey = 0x52_6D_46_65_65_64;

    public Task Appended => signal.Appended;

    /// <summary>
    /// Appends one event inside the caller's transaction. Call it as the last statement before the commit: the lock
    /// it takes serialises every feed writer until their commit.
    /// </summary>
    public static async Task<long> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string type, int schemaVersion, DateTimeOffset occurredAt,
        string? assetId, string? regionId, string payloadJson, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({AppendLockKey});
            INSERT INTO feed_events (type, schema_version, occurred_at, asset_id, region_id, payload)
            VALUES (@type, @schema_version, @occurred_at, @asset_id, @region_id, @payload)
            RETURNING cursor
            """, connection, transaction);
        var p = insert.Parameters;
        p.AddWithValue("type", type);
        p.AddWithValue("schema_version", (short)schemaVersion);
        p.AddWithValue("occurred_at", occurredAt.ToUniversalTime());
        p.Add(new NpgsqlParameter("asset_id", NpgsqlDbType.Text) { Value = (object?)assetId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)regionId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = payloadJson });
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    public async Task<long> AppendAsync(
        string type, int schemaVersion, DateTimeOffset occurredAt, string? assetId, string? regionId, JsonElement payload,
        CancellationToken cancellationToken = default)
    {
        long cursor;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            cursor = await AppendAsync(connection, transaction, type, schemaVersion, occurredAt, assetId, regionId, payload.GetRawText(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        signal.Pulse();
        return cursor;
    }

    public async Task<long> LatestCursorAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(cursor), 0) FROM feed_events");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand("""
            SELECT cursor, type, schema_version, occurred_at, asset_id, region_id, payload::text FROM feed_events
            WHERE cursor > @after
              AND (@types::text[] IS NULL OR type = ANY (@types))
              AND (@region_id::text IS NULL OR region_id = @region_id)
              AND (@include_exercise OR type NOT LIKE 'exercise.%')
            ORDER BY cursor
            LIMIT @limit
            """);
        var p = command.Parameters;
        p.AddWithValue("after", Math.Max(0, query.After));
        p.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Types is { Count: > 0 } types ? types.ToArray() : DBNull.Value });
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)query.RegionId ?? DBNull.Value });
        p.AddWithValue("limit", Math.Clamp(query.Limit, 1, 10_000));
        p.AddWithValue("include_exercise", query.IncludeExercise);
        var events = new List<FeedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var payload = JsonDocument.Parse(reader.GetString(6));
            events.Add(new FeedEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt16(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), payload.RootElement.Clone()));
        }

        return events;
    }
}
