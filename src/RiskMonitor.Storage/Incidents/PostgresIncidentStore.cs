using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Incidents;

/// <summary>Incidents in PostgreSQL (tables <c>incidents</c> and <c>incident_ledger</c>, migration 0030).</summary>
internal sealed class PostgresIncidentStore(NpgsqlDataSource dataSource, FeedSignal? feedSignal = null) : IIncidentStore
{
    public async Task<bool> RecordAsync(
        IncidentRecord? before, IncidentRecord after, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(after);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var write = before is null
            ? new NpgsqlCommand("""
                INSERT INTO incidents (incident_id, status, grade, region_id, exercise, occurred_at, updated_at, version, incident)
                VALUES (@id, @status, @grade, @region_id, @exercise, @occurred_at, @updated_at, 1, @incident)
                ON CONFLICT (incident_id) DO NOTHING
                RETURNING version
                """, connection, transaction)
            : new NpgsqlCommand("""
                UPDATE incidents SET status = @status, grade = @grade, region_id = @region_id, updated_at = @updated_at, incident = @incident,
                    version = version + 1
                WHERE incident_id = @id AND updated_at = @expected_updated_at
                RETURNING version
                """, connection, transaction);
        var p = write.Parameters;
        p.AddWithValue("id", after.IncidentId);
        p.AddWithValue("status", StorageJson.Name(after.Status));
        p.AddWithValue("grade", StorageJson.Name(after.Grade));
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)after.RegionId ?? DBNull.Value });
        p.AddWithValue("exercise", after.Exercise);
        p.AddWithValue("occurred_at", after.OccurredAt.ToUniversalTime());
        p.AddWithValue("updated_at", after.UpdatedAt.ToUniversalTime());
        p.Add(new NpgsqlParameter("incident", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(after, StorageJson.Options) });
        if (before is not null)
        {
            p.AddWithValue("expected_updated_at", before.UpdatedAt.ToUniversalTime());
        }

        if (await write.ExecuteScalarAsync(cancellationToken) is not int sequence)
        {
            return false; // someone else changed it first (or the id exists)
        }

        await using (var ledger = new NpgsqlCommand("""
            INSERT INTO incident_ledger (incident_id, seq, at, action, actor, note, incident_after)
            VALUES (@id, @seq, @at, @action, @actor, @note, @incident_after)
            """, connection, transaction))
        {
            var l = ledger.Parameters;
            l.AddWithValue("id", after.IncidentId);
            l.AddWithValue("seq", sequence);
            l.AddWithValue("at", at.ToUniversalTime());
            l.AddWithValue("action", action);
            l.AddWithValue("actor", actor);
            l.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
            l.Add(new NpgsqlParameter("incident_after", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(after, StorageJson.Options) });
            await ledger.ExecuteNonQueryAsync(cancellationToken);
        }

        if (!after.Exercise)
        {
            // The outbox row last, in the same transaction: its lock serialises feed writers until the commit (0014).
            await PostgresFeedStore.AppendAsync(
                connection, transaction, IncidentFeedPayload.TypeFor(action), IncidentFeedPayload.SchemaVersion, at, null, after.RegionId,
                new IncidentFeedPayload(action, actor, note, after).ToJson(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        feedSignal?.Pulse();
        return true;
    }

    public async Task<IncidentRecord?> FindAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT incident::text FROM incidents WHERE incident_id = @id");
        command.Parameters.AddWithValue("id", incidentId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? Parse(json) : null;
    }

    public async Task<IReadOnlyList<IncidentRecord>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT incident::text FROM incidents WHERE (NOT @open_only OR status = 'open')
            ORDER BY occurred_at DESC, incident_id LIMIT @limit
            """);
        command.Parameters.AddWithValue("open_only", openOnly);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 10_000));
        var incidents = new List<IncidentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            incidents.Add(Parse(reader.GetString(0)));
        }

        return incidents;
    }

    public async Task<IReadOnlyList<IncidentLedgerEntry>> HistoryAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT seq, at, action, actor, note FROM incident_ledger WHERE incident_id = @id ORDER BY seq");
        command.Parameters.AddWithValue("id", incidentId);
        var entries = new List<IncidentLedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new IncidentLedgerEntry(
                reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }

    private static IncidentRecord Parse(string json) =>
        JsonSerializer.Deserialize<IncidentRecord>(json, StorageJson.Options) ?? throw new InvalidDataException("An incident row holds JSON null.");
}
