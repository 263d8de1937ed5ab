using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Hazards;

/// <summary>The hazard ledger in PostgreSQL (tables <c>hazards</c> and <c>hazard_ledger</c>, migration 0007).</summary>
internal sealed class PostgresHazardStore(NpgsqlDataSource dataSource, FeedSignal? feedSignal = null) : IHazardStore
{
    public async Task<bool> RecordAsync(
        Hazard? before, Hazard after, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(after);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var write = before is null
            ? new NpgsqlCommand("""
                INSERT INTO hazards (hazard_id, level, source, status, region_id, industry, asset_id, alert_id, deadline, reported_at, updated_at, version, hazard)
                VALUES (@id, @level, @source, @status, @region_id, @industry, @asset_id, @alert_id, @deadline, @reported_at, @updated_at, 1, @hazard)
                ON CONFLICT (hazard_id) DO NOTHING
                RETURNING version
                """, connection, transaction)
            : new NpgsqlCommand("""
                UPDATE hazards SET level = @level, status = @status, region_id = @region_id, industry = @industry, asset_id = @asset_id,
                    deadline = @deadline, updated_at = @updated_at, hazard = @hazard, version = version + 1
                WHERE hazard_id = @id AND status = @expected_status AND updated_at = @expected_updated_at
                RETURNING version
                """, connection, transaction);
        var p = write.Parameters;
        p.AddWithValue("id", after.HazardId);
        p.AddWithValue("level", StorageJson.Name(after.Level));
        p.AddWithValue("source", StorageJson.Name(after.Source));
        p.AddWithValue("status", StorageJson.Name(after.Status));
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)after.RegionId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("industry", NpgsqlDbType.Text) { Value = (object?)after.Industry ?? DBNull.Value });
        p.Add(new NpgsqlParameter("asset_id", NpgsqlDbType.Text) { Value = (object?)after.AssetId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("alert_id", NpgsqlDbType.Text) { Value = (object?)after.AlertId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("deadline", NpgsqlDbType.TimestampTz) { Value = after.Deadline is { } d ? d.ToUniversalTime() : DBNull.Value });
        p.AddWithValue("reported_at", after.ReportedAt.ToUniversalTime());
        p.AddWithValue("updated_at", after.UpdatedAt.ToUniversalTime());
        p.Add(new NpgsqlParameter("hazard", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(after, StorageJson.Options) });
        if (before is not null)
        {
            p.AddWithValue("expected_status", StorageJson.Name(before.Status));
            p.AddWithValue("expected_updated_at", before.UpdatedAt.ToUniversalTime());
        }

        if (await write.ExecuteScalarAsync(cancellationToken) is not int sequence)
        {
            return false; // someone else moved it first (or the id exists)
        }

        await using (var ledger = new NpgsqlCommand("""
            INSERT INTO hazard_ledger (hazard_id, seq, at, action, actor, note, status_before, status_after, hazard_before, hazard_after)
            VALUES (@id, @seq, @at, @action, @actor, @note, @status_before, @status_after, @hazard_before, @hazard_after)
            """, connection, transaction))
        {
            var l = ledger.Parameters;
            l.AddWithValue("id", after.HazardId);
            l.AddWithValue("seq", sequence);
            l.AddWithValue("at", at.ToUniversalTime());
            l.AddWithValue("action", action);
            l.AddWithValue("actor", actor);
            l.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
            l.Add(new NpgsqlParameter("status_before", NpgsqlDbType.Text) { Value = before is null ? DBNull.Value : StorageJson.Name(before.Status) });
            l.AddWithValue("status_after", StorageJson.Name(after.Status));
            l.Add(new NpgsqlParameter("hazard_before", NpgsqlDbType.Jsonb) { Value = before is null ? DBNull.Value : JsonSerializer.Serialize(before, StorageJson.Options) });
            l.Add(new NpgsqlParameter("hazard_after", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(after, StorageJson.Options) });
            await ledger.ExecuteNonQueryAsync(cancellationToken);
        }

        // The outbox row last, in the same transaction: its lock serialises feed writers until the commit (0014). A drill's
        // hazard is not a real event: the city feed never hears of it (decision 0049).
        if (!after.Exercise)
        {
            await PostgresFeedStore.AppendAsync(
                connection, transaction, FeedEventTypes.ForHazardAction(action), FeedEventTypes.HazardSchemaVersion, at, after.AssetId, after.RegionId,
                new HazardFeedPayload(action, actor, note, after).ToJson(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        feedSignal?.Pulse();
        return true;
    }

    public async Task<Hazard?> FindAsync(string hazardId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT hazard::text FROM hazards WHERE hazard_id = @id");
        command.Parameters.AddWithValue("id", hazardId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? Parse(json) : null;
    }

    public async Task<IReadOnlyList<Hazard>> QueryAsync(HazardQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand("""
            SELECT hazard::text FROM hazards
            WHERE (@status::text IS NULL OR status = @status)
              AND (@level::text IS NULL OR level = @level)
              AND (@region_id::text IS NULL OR region_id = @region_id)
              AND (@industry::text IS NULL OR industry = @industry)
              AND (@overdue_at::timestamptz IS NULL OR (status <> 'verified' AND deadline < @overdue_at))
              AND (@drill_id::text IS NULL OR hazard->>'drillId' = @drill_id)
            ORDER BY reported_at DESC, hazard_id
            OFFSET @offset LIMIT @limit
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = query.Status is { } s ? StorageJson.Name(s) : DBNull.Value });
        p.Add(new NpgsqlParameter("level", NpgsqlDbType.Text) { Value = query.Level is { } l ? StorageJson.Name(l) : DBNull.Value });
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)query.RegionId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("industry", NpgsqlDbType.Text) { Value = (object?)query.Industry ?? DBNull.Value });
        p.Add(new NpgsqlParameter("overdue_at", NpgsqlDbType.TimestampTz) { Value = query.OverdueAt is { } o ? o.ToUniversalTime() : DBNull.Value });
        p.Add(new NpgsqlParameter("drill_id", NpgsqlDbType.Text) { Value = (object?)query.DrillId ?? DBNull.Value });
        p.AddWithValue("offset", Math.Max(0, query.Offset));
        p.AddWithValue("limit", Math.Clamp(query.Limit, 1, 10_000));
        var hazards = new List<Hazard>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hazards.Add(Parse(reader.GetString(0)));
        }

        return hazards;
    }

    public async Task<IReadOnlyList<HazardLedgerEntry>> HistoryAsync(string hazardId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT seq, at, action, actor, note, status_before, status_after, hazard_before::text, hazard_after::text
            FROM hazard_ledger WHERE hazard_id = @id ORDER BY seq
            """);
        command.Parameters.AddWithValue("id", hazardId);
        var entries = new List<HazardLedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new HazardLedgerEntry(
                reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : StorageJson.Parse<HazardStatus>(reader.GetString(5)),
                StorageJson.Parse<HazardStatus>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : Parse(reader.GetString(7)),
                Parse(reader.GetString(8))));
        }

        return entries;
    }

    private static Hazard Parse(string json) =>
        JsonSerializer.Deserialize<Hazard>(json, StorageJson.Options) ?? throw new InvalidDataException("A hazard row holds JSON null.");
}
