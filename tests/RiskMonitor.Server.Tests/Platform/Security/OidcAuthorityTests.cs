using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>
/// With <c>Auth:Authority</c> set, the server takes its signing keys from the authority's discovery document over
/// HTTP (<see cref="TestAuthority"/>) and accepts that authority's tokens only.
/// </summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private TestAuthority _authority = null!;
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _authority = await TestAuthority.StartAsync(null, ct);
        _server = await OwnServer.StartAsync(_authority.ServerSettings, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _authority.DisposeAsync();
    }

    [Fact]
    public async Task Tokens_of_the_authority_are_accepted_with_its_claim_names_and_nothing_else_is()
    {
        var ct = TestContext.Current.CancellationToken;
        using var other = RSA.Create(2048);

        using var oidcUser = Client(_authority.Sign("chen.jing", ["supervisor"]));
        using var wrongKey = Client(_authority.Sign("chen.jing", ["supervisor"], key: other));
        using var wrongIssuer = Client(_authority.Sign("chen.jing", ["supervisor"], issuer: "http://elsewhere.example"));
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
}
