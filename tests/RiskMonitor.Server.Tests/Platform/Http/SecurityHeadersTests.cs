using System.Net;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>Issue 24 row 9: the pages carry a CSP, may not be framed, are not sniffed and send no referrer.</summary>
public sealed class SecurityHeadersTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("wall")]
    [InlineData("oncall")]
    public async Task Pages_carry_a_content_security_policy_and_the_hardening_headers(string page)
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };

        using var response = await anonymous.GetAsync(page, ct);
        var csp = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(",", values) : "";

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Api_answers_and_refusals_are_not_sniffed_either()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };

        using var refused = await anonymous.GetAsync("api/alerts", ct);
        using var ok = await server.Http.GetAsync("api/alerts", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("nosniff", Assert.Single(refused.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("nosniff", Assert.Single(ok.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public void The_policy_admits_the_configured_tile_server_and_identity_provider_only()
    {
        var policy = RiskMonitor.Server.Platform.Http.SecurityHeaders.ContentSecurityPolicy(
            "https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://sso.city.example/realms/rm");

        Assert.Contains("img-src 'self' data: blob: https://*.tile.example.org", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://sso.city.example", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
    }
}
