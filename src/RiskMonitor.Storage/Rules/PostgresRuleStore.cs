using Npgsql;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Rules;

/// <summary>Rule versions on PostgreSQL (table <c>rule_versions</c>, migration 0050).</summary>
internal sealed class PostgresRuleStore(NpgsqlDataSource dataSource) : IRuleStore
{
    private const string Columns = "version, document, action, restored_from, author, reason, created_at, affected_assets, summary";

    public async Task<long> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM rule_versions");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RuleVersion?> FindAsync(long version, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM rule_versions WHERE version = @version");
        command.Parameters.AddWithValue("version", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<RuleVersion>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM rule_versions ORDER BY version DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<RuleVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Read(reader));
        }

        return versions;
    }

    public async Task<bool> AppendAsync(RuleVersion next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        // Only the next number goes in, and only once: two nodes or two supervisors racing for it both see the same
        // newest version, and the primary key lets one of them win (ON CONFLICT: the other inserts nothing).
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO rule_versions ({Columns})
            SELECT @version, @document, @action, @restored_from, @author, @reason, @created_at, @affected_assets, @summary
            WHERE (SELECT coalesce(max(version), 0) FROM rule_versions) = @version - 1
            ON CONFLICT (version) DO NOTHING
            """);
        var p = command.Parameters;
        p.AddWithValue("version", next.Version);
        p.AddWithValue("document", next.Document);
        p.AddWithValue("action", StorageJson.Name(next.Action));
        p.AddWithValue("restored_from", (object?)next.RestoredFrom ?? DBNull.Value);
        p.AddWithValue("author", next.Author);
        p.AddWithValue("reason", next.Reason);
        p.AddWithValue("created_at", next.CreatedAt.ToUniversalTime());
        p.AddWithValue("affected_assets", next.AffectedAssets);
        p.AddWithValue("summary", next.Summary);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static RuleVersion Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        StorageJson.Parse<RuleChangeAction>(reader.GetString(2)),
        reader.IsDBNull(3) ? null : reader.GetInt64(3),
        reader.GetString(4),
        reader.GetString(5),
        new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero),
        reader.GetInt32(7),
        reader.GetString(8));
}
