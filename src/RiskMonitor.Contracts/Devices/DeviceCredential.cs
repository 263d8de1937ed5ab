using System.Collections.Immutable;

namespace RiskMonitor.Contracts.Devices;

/// <summary>
/// An MQTT credential (issue 11): one device, or one gateway that speaks for the listed assets. The secret is kept only
/// as <see cref="PasswordHash"/> (<see cref="Domain.Devices.DevicePasswords"/>). Revoked credentials are kept, never
/// deleted, so that the id cannot be silently reused and the audit trail holds.
/// </summary>
public sealed record DeviceCredential(
    string DeviceId,
    string PasswordHash,
    ImmutableArray<string> Assets,
    string? Description,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt = null,
    string? RevokedBy = null,
    DateTimeOffset? RotatedAt = null)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Where device credentials live: PostgreSQL in production, memory without a connection string.</summary>
public interface IDeviceCredentialStore
{
    Task<DeviceCredential?> FindAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Adds a new credential; false when the id is taken (also by a revoked one).</summary>
    Task<bool> TryCreateAsync(DeviceCredential credential, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeviceCredential>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks the credential revoked (once; a second call keeps the first time). Null when unknown.</summary>
    Task<DeviceCredential?> RevokeAsync(string deviceId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Replaces the hash of a credential that is not revoked. Null when unknown or revoked.</summary>
    Task<DeviceCredential?> RotateAsync(string deviceId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken = default);
}
