using System.Security.Cryptography;
using System.Text;

namespace RiskMonitor.Storage.Integration;

/// <summary>The scopes an integrator's key can carry (docs/decisions/0015-webhooks-and-api-keys.md).</summary>
public static class ApiScopes
{
    public const string FeedRead = "feed:read";
    public const string WebhooksManage = "webhooks:manage";

    /// <summary>Issuing and revoking keys: only the bootstrap admin key from configuration has it, for now.</summary>
    public const string KeysManage = "keys:manage";

    /// <summary>What may be given to an integrator's key.</summary>
    public static IReadOnlyList<string> Grantable { get; } = [FeedRead, WebhooksManage];
}

/// <summary>An integrator's key as stored: never the key itself, only its SHA-256.</summary>
public sealed record ApiKeyRecord(
    string KeyId, string Integrator, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>Makes and hashes keys: <c>rmk_</c> and 43 base64url characters (256 random bits).</summary>
public static class ApiKeyMaterial
{
    public const string Prefix = "rmk_";

    public static string NewKey() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// SHA-256 of the key's UTF-8 bytes. A fast hash is enough because the key is 256 random bits: there is no
    /// dictionary to try, unlike a password; and it lets a request find its key with an index lookup.
    /// </summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Integrators' API keys.</summary>
public interface IApiKeyStore
{
    Task CreateAsync(ApiKeyRecord key, byte[] keySha256, CancellationToken cancellationToken = default);

    /// <summary>The key with this hash if it exists and is not revoked.</summary>
    Task<ApiKeyRecord?> FindActiveAsync(byte[] keySha256, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the key; false when there is no such key or it was revoked before.</summary>
    Task<bool> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
