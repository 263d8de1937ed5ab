using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RiskMonitor.Contracts.Access;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>The built-in issuer's signing key: from <c>Auth:SigningKey</c>, or random for this process (logged once).</summary>
internal sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AuthOptions> options, ILogger<SigningKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.SigningKey;
        byte[] bytes;
        if (string.IsNullOrWhiteSpace(configured))
        {
            bytes = RandomNumberGenerator.GetBytes(32);
            if (options.Value.Authority is null)
            {
                SecurityLog.EphemeralSigningKey(logger);
            }
        }
        else
        {
            bytes = Convert.FromBase64String(configured);
        }

        Key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] };
    }

    public SymmetricSecurityKey Key { get; }

    /// <summary>Whether a configured key is valid base64 of at least 32 bytes (checked at start).</summary>
    public static bool IsValid(string? configured)
    {
        if (configured is null)
        {
            return true;
        }

        Span<byte> buffer = new byte[configured.Length];
        return Convert.TryFromBase64String(configured, buffer, out var written) && written >= 32;
    }
}

/// <summary>Issues the built-in bearer tokens (HS256 JWT) carrying name, roles and region scope.</summary>
internal sealed class TokenIssuer(IOptions<AuthOptions> options, SigningKeyProvider key, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public IssuedToken Issue(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var o = options.Value;
        var now = time.GetUtcNow();
        var expires = now + o.TokenLifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = account.Name,
            [o.NameClaim] = account.Name,
            [o.RoleClaim] = account.Roles.ToArray(),
        };
        if (!account.Regions.IsEmpty)
        {
            claims[o.RegionClaim] = account.Regions.ToArray();
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, "Bearer", now, expires, account.Name, account.DisplayName, account.Roles, account.Regions);
    }
}

/// <summary>The token endpoint's answer: the token and what it grants, so a page can show who is signed in.</summary>
internal sealed record IssuedToken(
    string AccessToken, string TokenType, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string Name, string? DisplayName,
    IReadOnlyList<string> Roles, IReadOnlyList<string> Regions);
