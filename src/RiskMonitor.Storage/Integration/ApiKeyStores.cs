using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace RiskMonitor.Storage.Integration;

/// <summary>API keys in PostgreSQL (table <c>api_keys</c>, migration 0010).</summary>
internal sealed class PostgresApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyStore
{
    private const string Columns = "key_id, integrator, scopes, created_at, created_by, revoked_at";

    public async Task CreateAsync(ApiKeyRecord key, byte[] keySha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO api_keys (key_id, integrator, key_sha256, scopes, created_at, created_by)
            VALUES (@id, @integrator, @hash, @scopes, @created_at, @created_by)
            """);
        var p = command.Parameters;
        p.AddWithValue("id", key.KeyId);
        p.AddWithValue("integrator", key.Integrator);
        p.AddWithValue("hash", keySha256);
        p.Add(new NpgsqlParameter("scopes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = key.Scopes.ToArray() });
        p.AddWithValue("created_at", key.CreatedAt.ToUniversalTime());
        p.AddWithValue("created_by", key.CreatedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ApiKeyRecord?> FindActiveAsync(byte[] keySha256, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE key_sha256 = @hash AND revoked_at IS NULL");
        command.Parameters.AddWithValue("hash", keySha256);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = @at WHERE key_id = @id AND revoked_at IS NULL");
        command.Parameters.AddWithValue("id", keyId);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<List<ApiKeyRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyRecord(
                reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return keys;
    }
}

/// <summary>API keys of a server run without PostgreSQL; gone at restart.</summary>
internal sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, (ApiKeyRecord Key, byte[] Hash)> _keys = new();

    public Task CreateAsync(ApiKeyRecord key, byte[] keySha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_keys.TryAdd(key.KeyId, (key, keySha256.ToArray())))
        {
            throw new InvalidOperationException($"Key id {key.KeyId} exists.");
        }

        return Task.CompletedTask;
    }

    public Task<ApiKeyRecord?> FindActiveAsync(byte[] keySha256, CancellationToken cancellationToken = default) =>
        Task.FromResult(_keys.Values.Where(k => k.Key.RevokedAt is null && k.Hash.AsSpan().SequenceEqual(keySha256)).Select(k => k.Key).FirstOrDefault());

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _keys.Values.Select(k => k.Key).OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal)]);

    public Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        while (_keys.TryGetValue(keyId, out var entry) && entry.Key.RevokedAt is null)
        {
            if (_keys.TryUpdate(keyId, (entry.Key with { RevokedAt = at }, entry.Hash), entry))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }
}
