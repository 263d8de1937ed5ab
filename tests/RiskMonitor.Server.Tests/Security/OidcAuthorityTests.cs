using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Security;

/// <summary>
/// With <c>Auth:Authority</c> set, the server takes its signing keys from the authority's discovery document over
/// HTTP, as it would from Keycloak or the city's identity platform. The authority here is a small web app serving
/// the two documents that part of OIDC consists of, and signing tokens with its own RSA key.
/// </summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private readonly RSA _idpKey = RSA.Create(2048);
    private readonly int _idpPort = FreePort.Next();
    private WebApplication _idp = null!;
    private OwnServer _server = null!;

    private string Issuer => $"http://127.0.0.1:{_idpPort.ToString(CultureInfo.InvariantCulture)}";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Issuer);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _idp = builder.Build();
        var parameters = _idpKey.ExportParameters(false);
        _idp.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer = Issuer, jwks_uri = Issuer + "/jwks" }));
        _idp.MapGet("/jwks", () => Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = "idp-1", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        }));
        await _idp.StartAsync(ct);
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = Issuer,
            ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:NameClaim"] = "preferred_username",
            ["Auth:RoleClaim"] = "roles",
        }, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _idp.DisposeAsync();
        _idpKey.Dispose();
    }

    [Fact]
    public async Task Tokens_of_the_authority_are_accepted_with_its_claim_names_and_nothing_else_is()
    {
        var ct = TestContext.Current.CancellationToken;
        using var other = RSA.Create(2048);

        using var oidcUser = Client(Sign(_idpKey, Issuer, "chen.jing", ["supervisor"]));
        using var wrongKey = Client(Sign(other, Issuer, "chen.jing", ["supervisor"]));
        using var wrongIssuer = Client(Sign(_idpKey, "http://elsewhere.example", "chen.jing", ["supervisor"]));
        using var builtIn = Client(TestIdentity.DefaultToken());
        using var anonymous = new HttpClient { BaseAddress = _server.BaseUrl };

        var me = await oidcUser.GetFromJsonAsync<JsonElement>("api/auth/me", ct);
        using var alerts = await oidcUser.GetAsync("api/alerts", ct);
        using var refusedKey = await wrongKey.GetAsync("api/alerts", ct);
        using var refusedIssuer = await wrongIssuer.GetAsync("api/alerts", ct);
        using var refusedBuiltIn = await builtIn.GetAsync("api/alerts", ct);
        using var noIssuer = await anonymous.PostAsJsonAsync("api/auth/token", new { username = "a", password = "b" }, ct);

        Assert.Equal("chen.jing", me.GetProperty("name").GetString());
        Assert.Equal(["supervisor"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedIssuer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedBuiltIn.StatusCode); // the built-in issuer is off
        Assert.Equal(HttpStatusCode.NotFound, noIssuer.StatusCode);
        Assert.Equal("application/problem+json", noIssuer.Content.Headers.ContentType?.MediaType);
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = _server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    private static string Sign(RSA key, string issuer, string user, string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = "riskmonitor",
        Expires = DateTime.UtcNow.AddMinutes(30),
        Claims = new Dictionary<string, object> { ["sub"] = "4711", ["preferred_username"] = user, ["roles"] = roles },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "idp-1" }, SecurityAlgorithms.RsaSha256),
    });
}
