using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Contracts.Access;

namespace RiskMonitor.Storage.Access;

/// <summary>The built-in issuer's accounts in PostgreSQL (table <c>users</c>, migration 0017).</summary>
internal sealed class PostgresUserStore(NpgsqlDataSource dataSource) : IUserStore
{
    private const string Columns = "name, password_hash, roles, regions, display_name, created_at, created_by, updated_at, updated_by, disabled";

    public async Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM users WHERE name = @name");
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM users ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<UserAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public async Task SaveAsync(UserAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        // Who created the account and when is kept on an update; only the updated_* pair moves.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO users (name, password_hash, roles, regions, display_name, disabled, created_at, created_by, updated_at, updated_by)
            VALUES (@name, @hash, @roles, @regions, @display, @disabled, @created_at, @created_by, @updated_at, @updated_by)
            ON CONFLICT (name) DO UPDATE SET password_hash = EXCLUDED.password_hash, roles = EXCLUDED.roles,
                regions = EXCLUDED.regions, display_name = EXCLUDED.display_name, disabled = EXCLUDED.disabled,
                updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
            """);
        var p = command.Parameters;
        p.AddWithValue("name", account.Name);
        p.AddWithValue("hash", account.PasswordHash);
        p.Add(new NpgsqlParameter("roles", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = account.Roles.ToArray() });
        p.Add(new NpgsqlParameter("regions", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = account.Regions.ToArray() });
        p.Add(new NpgsqlParameter("display", NpgsqlDbType.Text) { Value = (object?)account.DisplayName ?? DBNull.Value });
        p.AddWithValue("disabled", account.Disabled);
        p.AddWithValue("created_at", account.CreatedAt.ToUniversalTime());
        p.AddWithValue("created_by", account.CreatedBy);
        p.AddWithValue("updated_at", account.UpdatedAt.ToUniversalTime());
        p.AddWithValue("updated_by", account.UpdatedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM users)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static UserAccount Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        [.. reader.GetFieldValue<string[]>(2)],
        [.. reader.GetFieldValue<string[]>(3)],
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetString(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetString(8),
        reader.GetBoolean(9));
}

/// <summary>The audit trail in PostgreSQL (table <c>audit_log</c>, append-only, migration 0017).</summary>
internal sealed class PostgresAuditTrail(NpgsqlDataSource dataSource) : IAuditTrail
{
    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var r in records)
        {
            var command = new NpgsqlBatchCommand(
                "INSERT INTO audit_log (at, actor, roles, method, path, status, client, scheme) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
            command.Parameters.Add(new NpgsqlParameter { Value = r.At.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { Value = r.Actor });
            command.Parameters.Add(new NpgsqlParameter { Value = r.Roles });
            command.Parameters.Add(new NpgsqlParameter { Value = r.Method });
            command.Parameters.Add(new NpgsqlParameter { Value = r.Path });
            command.Parameters.Add(new NpgsqlParameter { Value = r.Status });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.Client ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.Scheme ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand("""
            SELECT at, actor, roles, method, path, status, client, scheme FROM audit_log
            WHERE (@actor::text IS NULL OR actor = @actor) AND (@from::timestamptz IS NULL OR at >= @from)
              AND (@to::timestamptz IS NULL OR at < @to) AND (@prefix::text IS NULL OR starts_with(path, @prefix))
            ORDER BY at DESC, id DESC LIMIT @limit
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)query.Actor ?? DBNull.Value });
        p.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)query.From?.ToUniversalTime() ?? DBNull.Value });
        p.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)query.To?.ToUniversalTime() ?? DBNull.Value });
        p.Add(new NpgsqlParameter("prefix", NpgsqlDbType.Text) { Value = (object?)query.PathPrefix ?? DBNull.Value });
        p.AddWithValue("limit", Math.Clamp(query.Limit, 1, 10_000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AuditRecord(
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return list;
    }
}
