using System.Text.Json;
using Npgsql;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Drills;

/// <summary>Drills in PostgreSQL (tables <c>drills</c> and <c>drill_ledger</c>, migration 0045).</summary>
internal sealed class PostgresDrillStore(NpgsqlDataSource dataSource) : IDrillStore
{
    public async Task<bool> RecordAsync(Drill? before, Drill after, string action, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(after);
        var json = JsonSerializer.Serialize(after, StorageJson.Options);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var write = before is null
            ? new NpgsqlCommand("""
                INSERT INTO drills (drill_id, status, created_at, updated_at, version, drill)
                VALUES (@id, @status, @created_at, @updated_at, 1, @drill::jsonb)
                ON CONFLICT (drill_id) DO NOTHING
                RETURNING version
                """, connection, transaction)
            : new NpgsqlCommand("""
                UPDATE drills SET status = @status, updated_at = @updated_at, drill = @drill::jsonb, version = version + 1
                WHERE drill_id = @id AND updated_at = @expected_updated_at
                RETURNING version
                """, connection, transaction);
        var p = write.Parameters;
        p.AddWithValue("id", after.DrillId);
        p.AddWithValue("status", StorageJson.Name(after.Status));
        p.AddWithValue("created_at", after.CreatedAt.ToUniversalTime());
        p.AddWithValue("updated_at", after.UpdatedAt.ToUniversalTime());
        p.AddWithValue("drill", json);
        if (before is not null)
        {
            p.AddWithValue("expected_updated_at", before.UpdatedAt.ToUniversalTime());
        }

        if (await write.ExecuteScalarAsync(cancellationToken) is not int sequence)
        {
            return false;
        }

        await using (var ledger = new NpgsqlCommand("""
            INSERT INTO drill_ledger (drill_id, seq, at, action, actor, drill_after) VALUES (@id, @seq, @at, @action, @actor, @drill::jsonb)
            """, connection, transaction))
        {
            var l = ledger.Parameters;
            l.AddWithValue("id", after.DrillId);
            l.AddWithValue("seq", sequence);
            l.AddWithValue("at", at.ToUniversalTime());
            l.AddWithValue("action", action);
            l.AddWithValue("actor", actor);
            l.AddWithValue("drill", json);
            await ledger.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<Drill?> FindAsync(string drillId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT drill::text FROM drills WHERE drill_id = @id");
        command.Parameters.AddWithValue("id", drillId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? Parse(json) : null;
    }

    public async Task<IReadOnlyList<Drill>> ListAsync(bool activeOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT drill::text FROM drills WHERE (NOT @active_only OR status IN ('scheduled', 'running'))
            ORDER BY created_at DESC, drill_id LIMIT @limit
            """);
        command.Parameters.AddWithValue("active_only", activeOnly);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 10_000));
        var drills = new List<Drill>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            drills.Add(Parse(reader.GetString(0)));
        }

        return drills;
    }

    private static Drill Parse(string json) =>
        JsonSerializer.Deserialize<Drill>(json, StorageJson.Options) ?? throw new InvalidDataException("A drill row holds JSON null.");
}
