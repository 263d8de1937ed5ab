using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// Bearer tokens for test servers, signed with the key every test server is configured with (<c>Auth:SigningKey</c>),
/// exactly as the built-in issuer signs them; the issuer endpoint itself has its own tests (AccessControlTests).
/// </summary>
internal static class TestIdentity
{
    /// <summary>Base64 of 32 fixed bytes: the <c>Auth:SigningKey</c> of every test server.</summary>
    public static readonly string SigningKey = Convert.ToBase64String("riskmonitor-tests-signing-key-32"u8.ToArray());

    /// <summary>The identity of a test's plain <c>Http</c> client: an admin, city-wide.</summary>
    public const string DefaultName = "test.admin";

    public static string Token(string name, string[] roles, string[]? regions = null, TimeSpan? lifetime = null, string? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = name, ["name"] = name, ["role"] = roles };
        if (regions is { Length: > 0 })
        {
            claims["region"] = regions;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "riskmonitor",
            Audience = "riskmonitor",
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromHours(2)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string DefaultToken() => Token(DefaultName, ["admin"]);

    /// <summary>A client of <paramref name="baseUrl"/> signed in as the given person.</summary>
    public static HttpClient Client(Uri baseUrl, string name, string[] roles, string[]? regions = null)
    {
        var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(name, roles, regions));
        return client;
    }
}
