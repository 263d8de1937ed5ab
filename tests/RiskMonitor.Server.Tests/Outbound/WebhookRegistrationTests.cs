using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RiskMonitor.Server.Tests.Security;

namespace RiskMonitor.Server.Tests.Outbound;

/// <summary>
/// Issue 24 row 1 from outside: a server with no outbound allow-list (as run.sh starts it) refuses webhook URLs that
/// point at its own loopback services, link-local metadata or private networks, with problem details saying why.
/// </summary>
public sealed class WebhookRegistrationTests(SecurityFixture server) : IClassFixture<SecurityFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:8086/query?q=SHOW%20DATABASES", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]:8086/query?q=SHOW%20DATABASES", "loopback")]
    [InlineData("http://localhost:5432/", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/", "metadata")]
    [InlineData("http://192.168.1.1/admin", "private")]
    [InlineData("http://user:secret@8.8.8.8/hook", "user information")]
    public async Task A_webhook_to_a_refused_address_is_answered_400_with_the_reason(string url, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        using var integrator = await IntegratorAccess.ClientAsync(server.BaseUrl, "ssrf-probe", ["webhooks:manage"], ct);

        using var response = await integrator.PostAsJsonAsync("api/webhooks", new { url }, ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var listed = await integrator.GetFromJsonAsync<JsonElement>("api/webhooks", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, listed.GetArrayLength());
    }
}
