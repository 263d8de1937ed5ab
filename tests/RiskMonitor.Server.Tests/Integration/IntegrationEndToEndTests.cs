using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RiskMonitor.Domain.Integration;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary>One server for the integration tests, with webhook retries fast enough for a test.</summary>
public sealed class IntegrationServerFixture : IAsyncLifetime
{
    private OwnServer _server = null!; // set in InitializeAsync, before any test runs

    internal OwnServer Server => _server;

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Webhooks:InitialRetryDelay"] = "00:00:00.050",
                ["Webhooks:MaxRetryDelay"] = "00:00:00.500",
                ["Webhooks:FailingAfter"] = "00:00:01.500",
                ["Webhooks:RequestTimeout"] = "00:00:02",
                ["Webhooks:RefreshInterval"] = "00:00:01",
                // The test receivers listen on loopback, which the outbound policy refuses unless named (decision 0026).
                ["Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
            },
            TestContext.Current.CancellationToken,
            TestCity.GeoJson(8));

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue 9 from the integrator's side: API keys and scopes on the feed and webhooks, and push delivery to real HTTP
/// receivers that fail, hang and go down.
/// </summary>
public sealed class IntegrationEndToEndTests(IntegrationServerFixture fixture) : IClassFixture<IntegrationServerFixture>
{
    private static readonly string[] Assets = ["gp-t-001", "gp-t-002", "gp-t-003", "gp-t-004"];
    private static readonly string[] AlertTypes = ["alert.raised", "alert.cleared", "alert.commented"];

    private OwnServer Server => fixture.Server;

    [Fact]
    public async Task A_receiver_that_fails_its_first_deliveries_and_is_down_for_a_while_gets_every_event_once_by_id_in_order_per_asset()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = new WebhookReceiver(failFirst: 3);
        await receiver.StartAsync(ct);
        using var integrator = await IntegratorAccess.ClientAsync(Server.BaseUrl, "city-platform-push", ["webhooks:manage", "feed:read"], ct);
        var start = await LatestCursorAsync(integrator, ct);
        // Only alert events: region.changed follows them about a second later (coalesced), which would race the counts below.
        var created = await PostJsonAsync(integrator, "api/webhooks", new { url = receiver.Url.ToString(), after = start, types = AlertTypes }, ct);
        var id = created.GetProperty("subscription").GetProperty("subscriptionId").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;

        // Phase 1: four leaks raised and cleared while the receiver fails its first three answers.
        await RaiseAndClearAsync("push-1", Assets, ct);
        var phase1 = await FeedAfterAsync(integrator, start, AlertTypes, e => e.Count(x => x.GetProperty("type").GetString() == "alert.cleared") >= Assets.Length, ct);
        await ServerFixture.EventuallyAsync(() => Task.FromResult(receiver.FirstOfEach().Count), n => n >= phase1.Count, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(phase1.Count, receiver.FirstOfEach().Count);

        // Phase 2: the receiver is down; operators comment on each alert, so the feed grows while nobody answers.
        await receiver.StopAsync();
        foreach (var alertId in phase1.Select(e => e.GetProperty("payload").GetProperty("alert").GetProperty("alertId").GetString()).Distinct())
        {
            using var comment = await Server.Http.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "li.wei", note = "checked on site" }, ct);
            Assert.Equal(HttpStatusCode.OK, comment.StatusCode);
        }

        var failing = await ServerFixture.EventuallyAsync(
            () => integrator.GetFromJsonAsync<JsonElement>($"api/webhooks/{id}", ct), w => w.GetProperty("state").GetString() == "failing", TimeSpan.FromSeconds(30), ct);
        Assert.Equal("failing", failing.GetProperty("state").GetString());
        Assert.Equal(phase1[^1].GetProperty("cursor").GetInt64(), failing.GetProperty("cursor").GetInt64()); // nothing skipped while down
        Assert.True(failing.GetProperty("consecutiveFailures").GetInt32() >= 2);

        // Back up: delivery resumes from the stored cursor.
        await receiver.StartAsync(ct);
        var all = await FeedAfterAsync(integrator, start, AlertTypes, e => e.Count >= phase1.Count + Assets.Length, ct);
        await ServerFixture.EventuallyAsync(() => Task.FromResult(receiver.FirstOfEach().Count), n => n >= all.Count, TimeSpan.FromSeconds(30), ct);
        var active = await ServerFixture.EventuallyAsync(
            () => integrator.GetFromJsonAsync<JsonElement>($"api/webhooks/{id}", ct), w => w.GetProperty("state").GetString() == "active", TimeSpan.FromSeconds(30), ct);

        var firsts = receiver.FirstOfEach();
        Assert.Equal(all.Select(e => e.GetProperty("cursor").GetInt64()), firsts.Select(d => d.EventId).Order());
        Assert.All(receiver.Accepted, d => Assert.Equal(d.EventId, d.Cursor));
        Assert.All(receiver.Accepted, d => Assert.True(
            WebhookSignature.Verify(secret, d.Signature, d.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), $"bad signature on {d.EventId}"));
        foreach (var asset in Assets)
        {
            var ofAsset = firsts.Where(d => d.AssetId == asset).Select(d => d.EventId).ToList();
            Assert.Equal(3, ofAsset.Count); // raised, cleared, commented
            Assert.Equal(ofAsset.Order(), ofAsset);
        }

        Assert.True(receiver.Attempts > firsts.Count, "the receiver's failed answers were retried");
        Assert.Equal(all[^1].GetProperty("cursor").GetInt64(), active.GetProperty("cursor").GetInt64());
        Assert.Equal(0, active.GetProperty("consecutiveFailures").GetInt32());
        Assert.False(await ListContainsAsync(integrator, "never-there", ct));
    }

    [Fact]
    public async Task A_subscriber_that_hangs_does_not_delay_another_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hanging = new WebhookReceiver(hangFor: TimeSpan.FromMinutes(5));
        await using var healthy = new WebhookReceiver();
        await hanging.StartAsync(ct);
        await healthy.StartAsync(ct);
        using var integrator = await IntegratorAccess.ClientAsync(Server.BaseUrl, "city-platform-two", ["webhooks:manage", "feed:read"], ct);
        var start = await LatestCursorAsync(integrator, ct);
        var slow = await PostJsonAsync(integrator, "api/webhooks", new { url = hanging.Url.ToString(), after = start }, ct);
        await PostJsonAsync(integrator, "api/webhooks", new { url = healthy.Url.ToString(), after = start, types = new[] { "alert.raised" } }, ct);

        await RaiseAndClearAsync("push-2", ["gp-t-005", "gp-t-006"], ct);
        var raised = await FeedAfterAsync(integrator, start, null, e => e.Count(x => x.GetProperty("type").GetString() == "alert.raised") >= 2, ct);

        await ServerFixture.EventuallyAsync(() => Task.FromResult(healthy.FirstOfEach().Count), n => n >= 2, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(
            raised.Where(e => e.GetProperty("type").GetString() == "alert.raised").Select(e => e.GetProperty("cursor").GetInt64()),
            healthy.FirstOfEach().Select(d => d.EventId));
        Assert.Empty(hanging.Accepted);
        var slowId = slow.GetProperty("subscription").GetProperty("subscriptionId").GetString()!;
        var slowState = await ServerFixture.EventuallyAsync(
            () => integrator.GetFromJsonAsync<JsonElement>($"api/webhooks/{slowId}", ct), w => w.GetProperty("state").GetString() == "failing", TimeSpan.FromSeconds(30), ct);
        Assert.Equal(("failing", "timeout"), (slowState.GetProperty("state").GetString(), slowState.GetProperty("lastError").GetString()));
        Assert.Equal(start, slowState.GetProperty("cursor").GetInt64());

        using var deleted = await integrator.DeleteAsync($"api/webhooks/{slowId}", ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(await ListContainsAsync(integrator, slowId, ct));
    }

    [Fact]
    public async Task Keys_and_scopes_guard_the_feed_webhooks_and_key_admin_with_problem_details_and_grant_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var reader = await IntegratorAccess.IssueAsync(Server.BaseUrl, "reader", ["feed:read"], ct);
        using var feedOnly = IntegratorAccess.Client(Server.BaseUrl, reader.GetProperty("key").GetString()!);
        using var hooksOnly = await IntegratorAccess.ClientAsync(Server.BaseUrl, "hooks", ["webhooks:manage"], ct);
        using var otherHooks = await IntegratorAccess.ClientAsync(Server.BaseUrl, "other", ["webhooks:manage"], ct);
        using var nobody = new HttpClient { BaseAddress = Server.BaseUrl };
        using var wrong = IntegratorAccess.Client(Server.BaseUrl, "rmk_not-a-key");
        using var admin = IntegratorAccess.AdminClient(Server.BaseUrl);

        await AssertProblemAsync(nobody.GetAsync("api/feed", ct), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(wrong.GetAsync("api/feed", ct), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(hooksOnly.GetAsync("api/feed", ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/feed", ct)).StatusCode); // the bootstrap admin key holds the admin role
        await AssertProblemAsync(feedOnly.GetAsync("api/webhooks", ct), HttpStatusCode.Forbidden);
        await AssertProblemAsync(nobody.GetAsync("api/webhooks", ct), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(feedOnly.GetAsync("api/integrators/keys", ct), HttpStatusCode.Forbidden);
        await AssertProblemAsync(nobody.PostAsJsonAsync("api/integrators/keys", new { integrator = "x", scopes = new[] { "feed:read" } }, ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await feedOnly.GetAsync("api/feed", ct)).StatusCode);
        await AssertProblemAsync(nobody.GetAsync("api/alerts", ct), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(feedOnly.GetAsync("api/alerts", ct), HttpStatusCode.Forbidden); // an integrator's key reads the feed, not the console

        // Bad requests are validation problems; a key cannot be given the admin scope.
        await AssertProblemAsync(admin.PostAsJsonAsync("api/integrators/keys", new { integrator = "x", scopes = new[] { "keys:manage" } }, ct), HttpStatusCode.BadRequest);
        await AssertProblemAsync(hooksOnly.PostAsJsonAsync("api/webhooks", new { url = "ftp://example.org/x" }, ct), HttpStatusCode.BadRequest);

        // An integrator sees only its own subscriptions.
        var mine = await PostJsonAsync(hooksOnly, "api/webhooks", new { url = "http://127.0.0.1:9/never" }, ct);
        var mineId = mine.GetProperty("subscription").GetProperty("subscriptionId").GetString()!;
        Assert.StartsWith("whsec_", mine.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.False(mine.GetProperty("subscription").TryGetProperty("secret", out _));
        Assert.True(await ListContainsAsync(hooksOnly, mineId, ct));
        Assert.False(await ListContainsAsync(otherHooks, mineId, ct));
        await AssertProblemAsync(otherHooks.GetAsync($"api/webhooks/{mineId}", ct), HttpStatusCode.NotFound);
        await AssertProblemAsync(otherHooks.DeleteAsync($"api/webhooks/{mineId}", ct), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await hooksOnly.DeleteAsync($"api/webhooks/{mineId}", ct)).StatusCode);

        // The key list never shows a key; a revoked key is refused from then on.
        var keys = await admin.GetStringAsync("api/integrators/keys", ct);
        Assert.Contains(reader.GetProperty("keyId").GetString()!, keys, StringComparison.Ordinal);
        Assert.DoesNotContain(reader.GetProperty("key").GetString()!, keys, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/integrators/keys/{reader.GetProperty("keyId").GetString()}", ct)).StatusCode);
        await AssertProblemAsync(feedOnly.GetAsync("api/feed", ct), HttpStatusCode.Unauthorized);
    }

    private async Task RaiseAndClearAsync(string clientId, string[] assets, CancellationToken ct)
    {
        var t0 = DateTimeOffset.UtcNow;
        using var mqtt = await Server.ConnectMqttAsync(clientId, ct);
        foreach (var asset in assets)
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.AddSeconds(10).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        }
    }

    private static async Task<List<JsonElement>> FeedAfterAsync(
        HttpClient client, long after, string[]? types, Func<List<JsonElement>, bool> done, CancellationToken ct) =>
        await ServerFixture.EventuallyAsync(
            async () =>
            {
                var filter = types is null ? "" : "&types=" + string.Join(',', types);
                var page = await client.GetFromJsonAsync<JsonElement>($"api/feed?after={after}&limit=1000{filter}", ct);
                return page.GetProperty("events").EnumerateArray().ToList();
            },
            done, TimeSpan.FromSeconds(30), ct);

    private static async Task<long> LatestCursorAsync(HttpClient client, CancellationToken ct)
    {
        var events = await FeedAfterAsync(client, 0, null, _ => true, ct);
        return events.Count == 0 ? 0 : events[^1].GetProperty("cursor").GetInt64();
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, object body, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(path, body, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static async Task<bool> ListContainsAsync(HttpClient client, string subscriptionId, CancellationToken ct) =>
        (await client.GetFromJsonAsync<JsonElement>("api/webhooks", ct)).EnumerateArray()
            .Any(w => w.GetProperty("subscriptionId").GetString() == subscriptionId);

    private static async Task AssertProblemAsync(Task<HttpResponseMessage> call, HttpStatusCode expected)
    {
        using var response = await call;
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
