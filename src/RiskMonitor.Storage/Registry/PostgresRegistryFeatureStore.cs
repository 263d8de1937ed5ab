using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Storage.Registry;

/// <summary>The live registry's changes on PostgreSQL (migration 0040).</summary>
internal sealed class PostgresRegistryFeatureStore(NpgsqlDataSource dataSource) : IRegistryFeatureStore
{
    public async Task<long> VersionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM registry_version");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RegistryOverlay> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the counter and the rows, so a reader never pairs new rows with an old count or the reverse.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var overlay = await ReadAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return overlay;
    }

    public async Task<RegistryWrite> SaveAllAsync(
        IReadOnlyList<RegistryFeatureChange> changes, Func<RegistryOverlay, IReadOnlyDictionary<string, string[]>?> validate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(validate);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The counter's row lock serialises registry writes: the check below sees every write committed before this one.
        await using (var lockRow = new NpgsqlCommand("SELECT version FROM registry_version FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteScalarAsync(cancellationToken);
        }

        var overlay = await ReadAsync(connection, transaction, cancellationToken);
        var (next, written, refused) = RegistryFeatureWrites.Plan(overlay, changes);
        if (refused is not null)
        {
            return refused;
        }

        if (validate(next) is { Count: > 0 } problems)
        {
            return new RegistryWrite(RegistryWriteOutcome.Invalid, written[0].Version - 1, problems);
        }

        // One batch, one transaction: every row and its audit line, or none (an import is never half applied).
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var row in written)
        {
            var layer = RegistryFeatureWrites.LayerName(row.Layer);
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO registry_features (layer, feature_id, version, retired, updated_at, updated_by, feature)
                VALUES (@layer, @id, @version, @retired, @at, @actor, @feature)
                ON CONFLICT (layer, feature_id) DO UPDATE SET version = excluded.version, retired = excluded.retired,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by, feature = excluded.feature
                """);
            Bind(upsert.Parameters, layer, row);
            batch.BatchCommands.Add(upsert);
            var audit = new NpgsqlBatchCommand("""
                INSERT INTO registry_changes (entity, entity_id, version, actor, at, body)
                VALUES (@layer, @id, @version, @actor, @at, jsonb_build_object('retired', @retired, 'feature', @feature))
                """);
            Bind(audit.Parameters, layer, row);
            batch.BatchCommands.Add(audit);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE registry_version SET version = version + 1"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RegistryWrite.Saved(written[0].Version);
    }

    private static void Bind(NpgsqlParameterCollection p, string layer, RegistryFeature feature)
    {
        p.AddWithValue("layer", layer);
        p.AddWithValue("id", feature.Id);
        p.AddWithValue("version", feature.Version);
        p.AddWithValue("retired", feature.Retired);
        p.AddWithValue("at", feature.UpdatedAt.ToUniversalTime());
        p.AddWithValue("actor", feature.UpdatedBy);
        p.Add(new NpgsqlParameter("feature", NpgsqlDbType.Jsonb) { Value = feature.Feature });
    }

    private static async Task<RegistryOverlay> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        long version;
        await using (var count = new NpgsqlCommand("SELECT version FROM registry_version", connection, transaction))
        {
            version = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var features = new List<RegistryFeature>();
        await using var command = new NpgsqlCommand(
            "SELECT layer, feature_id, version, retired, feature::text, updated_at, updated_by FROM registry_features ORDER BY layer, feature_id",
            connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            features.Add(new RegistryFeature(
                reader.GetString(0) == "asset" ? RegistryLayer.Asset : RegistryLayer.Region, reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3),
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6)));
        }

        return new RegistryOverlay(version, features);
    }
}

/// <summary>
/// The live registry's changes in memory (no PostgreSQL configured): one node, lost at restart. Public like the other
/// in-memory stores: the server's tests of its registry commands run on it.
/// </summary>
public sealed class InMemoryRegistryFeatureStore : IRegistryFeatureStore
{
    private readonly Lock _gate = new();
    private RegistryOverlay _overlay = RegistryOverlay.Empty;

    public Task<long> VersionAsync(CancellationToken cancellationToken = default) => Task.FromResult(Volatile.Read(ref _overlay).Version);

    public Task<RegistryOverlay> LoadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Volatile.Read(ref _overlay));

    public Task<RegistryWrite> SaveAllAsync(
        IReadOnlyList<RegistryFeatureChange> changes, Func<RegistryOverlay, IReadOnlyDictionary<string, string[]>?> validate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(validate);
        lock (_gate)
        {
            var (next, written, refused) = RegistryFeatureWrites.Plan(_overlay, changes);
            if (refused is not null)
            {
                return Task.FromResult(refused);
            }

            if (validate(next) is { Count: > 0 } problems)
            {
                return Task.FromResult(new RegistryWrite(RegistryWriteOutcome.Invalid, written[0].Version - 1, problems));
            }

            Volatile.Write(ref _overlay, next);
            return Task.FromResult(RegistryWrite.Saved(written[0].Version));
        }
    }
}
