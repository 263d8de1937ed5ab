using RiskMonitor.Contracts.Devices;

namespace RiskMonitor.Storage.Devices;

/// <summary>Device credentials of a server run without PostgreSQL: the same contract, in memory, lost on restart.</summary>
public sealed class InMemoryDeviceCredentialStore : IDeviceCredentialStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeviceCredential> _credentials = new(StringComparer.Ordinal);

    public Task<DeviceCredential?> FindAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_credentials.GetValueOrDefault(deviceId));
        }
    }

    public Task<bool> TryCreateAsync(DeviceCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        lock (_gate)
        {
            return Task.FromResult(_credentials.TryAdd(credential.DeviceId, credential));
        }
    }

    public Task<IReadOnlyList<DeviceCredential>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeviceCredential>>([.. _credentials.Values.OrderBy(c => c.DeviceId, StringComparer.Ordinal)]);
        }
    }

    public Task<DeviceCredential?> RevokeAsync(string deviceId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_credentials.TryGetValue(deviceId, out var credential))
            {
                return Task.FromResult<DeviceCredential?>(null);
            }

            if (!credential.IsRevoked)
            {
                _credentials[deviceId] = credential = credential with { RevokedAt = at, RevokedBy = actor };
            }

            return Task.FromResult<DeviceCredential?>(credential);
        }
    }

    public Task<DeviceCredential?> RotateAsync(string deviceId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_credentials.TryGetValue(deviceId, out var credential) || credential.IsRevoked)
            {
                return Task.FromResult<DeviceCredential?>(null);
            }

            _credentials[deviceId] = credential = credential with { PasswordHash = passwordHash, RotatedAt = at };
            return Task.FromResult<DeviceCredential?>(credential);
        }
    }
}
