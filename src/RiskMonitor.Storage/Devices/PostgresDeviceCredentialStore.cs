using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Contracts.Devices;

namespace RiskMonitor.Storage.Devices;

/// <summary>Device credentials in PostgreSQL (table <c>device_credentials</c>, migration 0016).</summary>
internal sealed class PostgresDeviceCredentialStore(NpgsqlDataSource dataSource) : IDeviceCredentialStore
{
    private const string Columns = "device_id, password_hash, assets, description, created_at, created_by, revoked_at, revoked_by, rotated_at";

    public async Task<DeviceCredential?> FindAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM device_credentials WHERE device_id = @id");
        command.Parameters.AddWithValue("id", deviceId);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<bool> TryCreateAsync(DeviceCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO device_credentials (device_id, password_hash, assets, description, created_at, created_by)
            VALUES (@id, @hash, @assets, @description, @created_at, @created_by)
            ON CONFLICT (device_id) DO NOTHING
            """);
        var p = command.Parameters;
        p.AddWithValue("id", credential.DeviceId);
        p.AddWithValue("hash", credential.PasswordHash);
        p.Add(new NpgsqlParameter("assets", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = credential.Assets.ToArray() });
        p.Add(new NpgsqlParameter("description", NpgsqlDbType.Text) { Value = (object?)credential.Description ?? DBNull.Value });
        p.AddWithValue("created_at", credential.CreatedAt.ToUniversalTime());
        p.AddWithValue("created_by", credential.CreatedBy);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<DeviceCredential>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM device_credentials ORDER BY device_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<DeviceCredential>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public async Task<DeviceCredential?> RevokeAsync(string deviceId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        // COALESCE keeps the first revocation: revoking twice does not rewrite who did it and when.
        await using var command = dataSource.CreateCommand($"""
            UPDATE device_credentials SET revoked_at = COALESCE(revoked_at, @at), revoked_by = COALESCE(revoked_by, @actor)
            WHERE device_id = @id
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("id", deviceId);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.AddWithValue("actor", actor);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<DeviceCredential?> RotateAsync(string deviceId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE device_credentials SET password_hash = @hash, rotated_at = @at
            WHERE device_id = @id AND revoked_at IS NULL
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("id", deviceId);
        command.Parameters.AddWithValue("hash", passwordHash);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return await ReadOneAsync(command, cancellationToken);
    }

    private static async Task<DeviceCredential?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static DeviceCredential Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        [.. reader.GetFieldValue<string[]>(2)],
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
}
