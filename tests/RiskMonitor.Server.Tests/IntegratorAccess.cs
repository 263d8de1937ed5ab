using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Server.Tests;

/// <summary>Integrators' API keys as a test gets them: issued over the admin endpoint with the bootstrap admin key.</summary>
internal static class IntegratorAccess
{
    /// <summary>A client for <paramref name="baseUrl"/> that sends the bootstrap admin key.</summary>
    public static HttpClient AdminClient(Uri baseUrl) => Client(baseUrl, OwnServer.AdminKey);

    /// <summary>A client that sends <paramref name="key"/> in <c>X-Api-Key</c>.</summary>
    public static HttpClient Client(Uri baseUrl, string key)
    {
        var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Issues a key with the scopes and returns the answer (<c>keyId</c>, <c>key</c>, ...).</summary>
    public static async Task<JsonElement> IssueAsync(Uri baseUrl, string integrator, string[] scopes, CancellationToken ct)
    {
        using var admin = AdminClient(baseUrl);
        using var response = await admin.PostAsJsonAsync("api/integrators/keys", new { integrator, scopes }, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>A client with a new key of the integrator carrying the scopes.</summary>
    public static async Task<HttpClient> ClientAsync(Uri baseUrl, string integrator, string[] scopes, CancellationToken ct) =>
        Client(baseUrl, (await IssueAsync(baseUrl, integrator, scopes, ct)).GetProperty("key").GetString()!);
}
