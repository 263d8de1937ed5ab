using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RiskMonitor.Server.Tests.Platform.Security;

namespace RiskMonitor.Server.Tests.Platform.Outbound;

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

    [Fact]
    public async Task A_key_named_like_an_account_does_not_share_that_accounts_webhooks()
    {
        var ct = TestContext.Current.CancellationToken;
        using var account = TestIdentity.Client(server.BaseUrl, "shared.name", ["integrator"]);
        using var key = await IntegratorAccess.ClientAsync(server.BaseUrl, "shared.name", ["webhooks:manage"], ct);

        // A public address (registration only resolves it); both are deleted again below, so nothing keeps delivering.
        using var byAccount = await account.PostAsJsonAsync("api/webhooks", new { url = "http://8.8.8.8/account-hook" }, ct);
        using var byKey = await key.PostAsJsonAsync("api/webhooks", new { url = "http://8.8.8.8/key-hook" }, ct);
        Assert.Equal(HttpStatusCode.Created, byAccount.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byKey.StatusCode);
        var accountHook = (await byAccount.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("subscription").GetProperty("subscriptionId").GetString();
        var keyHook = (await byKey.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("subscription").GetProperty("subscriptionId").GetString();

        async Task<List<string?>> Listed(HttpClient client) =>
            [.. (await client.GetFromJsonAsync<JsonElement>("api/webhooks", ct)).EnumerateArray().Select(w => w.GetProperty("subscriptionId").GetString())];

        Assert.Equal([accountHook], await Listed(account));
        Assert.Equal([keyHook], await Listed(key));
        using (var read = await key.GetAsync($"api/webhooks/{accountHook}", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        }

        using (var delete = await key.DeleteAsync($"api/webhooks/{accountHook}", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        using (var delete = await account.DeleteAsync($"api/webhooks/{keyHook}", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        using var ownAccount = await account.DeleteAsync($"api/webhooks/{accountHook}", ct);
        using var ownKey = await key.DeleteAsync($"api/webhooks/{keyHook}", ct);
        Assert.Equal(HttpStatusCode.NoContent, ownAccount.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ownKey.StatusCode);
    }
}
