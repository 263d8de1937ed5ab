using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Devices;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Devices;
using RiskMonitor.Ingestion.Broker;

namespace RiskMonitor.Ingestion.Security;

/// <summary>The outcome of a provisioning step; <see cref="Secret"/> is shown once and never stored.</summary>
public sealed record ProvisioningResult(ProvisioningOutcome Outcome, DeviceCredential? Credential = null, string? Secret = null, string? Problem = null);

public enum ProvisioningOutcome
{
    Done,
    Invalid,
    Exists,
    NotFound,
    Revoked,
}

/// <summary>
/// Creates, rotates and revokes device credentials. The secret is generated here, returned once and stored only as a
/// hash. Revoking or rotating also ends the device's live sessions, so a stolen secret stops working at once.
/// </summary>
public sealed class DeviceProvisioning(
    IDeviceCredentialStore store,
    IAssetRegistry registry,
    MqttAccessControl access,
    TimeProvider time,
    ILogger<DeviceProvisioning> logger,
    EmbeddedMqttBroker? broker = null)
{
    /// <summary>Assets one credential may speak for; a gateway for a whole district is split over several credentials.</summary>
    public const int MaxAssets = 10_000;

    public async Task<ProvisioningResult> CreateAsync(
        string? deviceId, IReadOnlyList<string>? assets, string? description, string actor, CancellationToken cancellationToken)
    {
        if (!DeviceIds.IsValid(deviceId))
        {
            return new(ProvisioningOutcome.Invalid, Problem: "deviceId must match [A-Za-z0-9._-]{1,64}.");
        }

        if (assets is null || assets.Count == 0 || assets.Count > MaxAssets)
        {
            return new(ProvisioningOutcome.Invalid, Problem: $"assets must list 1 to {MaxAssets} asset ids the device may speak for.");
        }

        // Only registered assets: a typo would otherwise grant a topic nobody watches and hide the real one.
        var unknown = assets.Where(a => a is null || !registry.TryGet(a, out _)).Take(5).ToList();
        if (unknown.Count > 0)
        {
            return new(ProvisioningOutcome.Invalid, Problem: "Unknown assets: " + string.Join(", ", unknown.Select(a => $"'{a}'")) + ".");
        }

        if (description is { Length: > 500 })
        {
            return new(ProvisioningOutcome.Invalid, Problem: "description is limited to 500 characters.");
        }

        var secret = DevicePasswords.NewSecret();
        var credential = new DeviceCredential(deviceId!, DevicePasswords.Hash(secret), [.. assets.Distinct(StringComparer.Ordinal)],
            description, time.GetUtcNow(), actor);
        if (!await store.TryCreateAsync(credential, cancellationToken).ConfigureAwait(false))
        {
            return new(ProvisioningOutcome.Exists, Problem: $"Device '{deviceId}' exists (revoked ids are not reused); rotate its secret instead.");
        }

        IngestionLog.DeviceProvisioned(logger, credential.DeviceId, actor, credential.Assets.Length);
        return new(ProvisioningOutcome.Done, credential, secret);
    }

    public async Task<ProvisioningResult> RotateAsync(string deviceId, string actor, CancellationToken cancellationToken)
    {
        var secret = DevicePasswords.NewSecret();
        var credential = await store.RotateAsync(deviceId, DevicePasswords.Hash(secret), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (credential is null)
        {
            var existing = await store.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
            return existing is null
                ? new(ProvisioningOutcome.NotFound, Problem: $"No device '{deviceId}'.")
                : new(ProvisioningOutcome.Revoked, existing, Problem: $"Device '{deviceId}' is revoked; provision a new one.");
        }

        var ended = await EndSessionsAsync(deviceId).ConfigureAwait(false);
        IngestionLog.DeviceRotated(logger, deviceId, actor, ended);
        return new(ProvisioningOutcome.Done, credential, secret);
    }

    /// <summary>Revokes the credential: new connections are refused and live sessions are disconnected now.</summary>
    public async Task<ProvisioningResult> RevokeAsync(string deviceId, string actor, CancellationToken cancellationToken)
    {
        var credential = await store.RevokeAsync(deviceId, actor, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (credential is null)
        {
            return new(ProvisioningOutcome.NotFound, Problem: $"No device '{deviceId}'.");
        }

        var ended = await EndSessionsAsync(deviceId).ConfigureAwait(false);
        IngestionLog.DeviceRevoked(logger, deviceId, actor, ended);
        return new(ProvisioningOutcome.Done, credential);
    }

    public Task<IReadOnlyList<DeviceCredential>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public Task<DeviceCredential?> FindAsync(string deviceId, CancellationToken cancellationToken) => store.FindAsync(deviceId, cancellationToken);

    private async Task<int> EndSessionsAsync(string deviceId)
    {
        var clients = access.EndSessions(deviceId);
        // With an external broker (cluster mode) there is no embedded one: devices log in to that broker, whose own
        // credentials and ACLs carry the same model (docs/decisions/0023), and it ends their sessions.
        foreach (var clientId in clients)
        {
            if (broker is not null)
            {
                await broker.DisconnectClientAsync(clientId).ConfigureAwait(false);
            }
        }

        return clients.Count;
    }
}
