using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>
/// An OpenID Connect authority as small as a test needs, served over HTTP on a free loopback port: the discovery
/// document and the JWKS of its own RSA key, plus whatever endpoints a test maps on it (the code flow's). The server
/// under test fetches both documents as it would from Keycloak or the city's identity platform.
/// </summary>
internal sealed class TestAuthority : IAsyncDisposable
{
    public const string KeyId = "idp-1";

    private readonly RSA _key = RSA.Create(2048);
    private WebApplication _app = null!; // set in StartAsync

    private TestAuthority() => Issuer = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";

    public string Issuer { get; }

    /// <summary>The server settings that make it trust this authority (claim names as Keycloak would send them).</summary>
    public Dictionary<string, string?> ServerSettings => new()
    {
        ["Auth:Authority"] = Issuer,
        ["Auth:RequireHttpsMetadata"] = "false",
        ["Auth:NameClaim"] = "preferred_username",
        ["Auth:RoleClaim"] = "roles",
    };

    /// <param name="map">More endpoints (an authorization page, a token endpoint), mapped before the authority starts.</param>
    public static async Task<TestAuthority> StartAsync(Action<WebApplication>? map, CancellationToken ct)
    {
        var authority = new TestAuthority();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(authority.Issuer);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = authority._app = builder.Build();
        var issuer = authority.Issuer;
        var parameters = authority._key.ExportParameters(false);
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
        {
            AllowAnyOrigin(context);
            return Results.Json(new
            {
                issuer,
                authorization_endpoint = issuer + "/authorize",
                token_endpoint = issuer + "/token",
                jwks_uri = issuer + "/jwks",
                response_types_supported = new[] { "code" },
                code_challenge_methods_supported = new[] { "S256" },
            });
        });
        app.MapGet("/jwks", () => Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        }));
        map?.Invoke(app);
        await app.StartAsync(ct);
        return authority;
    }

    /// <summary>An access token of this authority (or, to test refusals, of another issuer or signed with another key).</summary>
    public string Sign(string user, string[] roles, string? issuer = null, RSA? key = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer ?? Issuer,
        Audience = "riskmonitor",
        Expires = DateTime.UtcNow.AddHours(1),
        Claims = new Dictionary<string, object> { ["sub"] = "4711", ["preferred_username"] = user, ["roles"] = roles },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
    });

    /// <summary>Lets the pages (another origin) read discovery and token answers, as an authority's web-origin setting does.</summary>
    public static void AllowAnyOrigin(HttpContext context) => context.Response.Headers.AccessControlAllowOrigin = "*";

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
