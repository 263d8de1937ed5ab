using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary>The integration feed as the city platform reads it: <c>GET /api/feed</c> by cursor, with long-poll.</summary>
public sealed class FeedEndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    // The feed needs an integrator's key with feed:read (docs/decisions/0015-webhooks-and-api-keys.md).
    private HttpClient _feed = null!; // set in InitializeAsync, before each test

    public async ValueTask InitializeAsync() =>
        _feed = await IntegratorAccess.ClientAsync(server.BaseUrl, "city-platform", ["feed:read"], TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync()
    {
        _feed.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_consumer_reading_from_cursor_0_sees_a_leak_raised_then_cleared_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        const string asset = "gp-t-015";
        var t0 = DateTimeOffset.UtcNow;
        using (var mqtt = await server.ConnectMqttAsync("feed-leak", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.AddSeconds(10).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        }

        var events = await ServerFixture.EventuallyAsync(
            () => ReadAllAsync(0, ct), e => e.Any(x => Type(x) == "alert.cleared" && Asset(x) == asset), TimeSpan.FromSeconds(15), ct);

        var cursors = events.Select(e => e.GetProperty("cursor").GetInt64()).ToList();
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal(cursors.Count, cursors.Distinct().Count());
        var ofAsset = events.Where(e => Asset(e) == asset).ToList();
        Assert.Equal("alert.raised", Type(ofAsset[0]));
        Assert.Equal("alert.cleared", Type(ofAsset[^1]));
        Assert.Single(ofAsset.Select(e => e.GetProperty("payload").GetProperty("alert").GetProperty("alertId").GetString()).Distinct());
        Assert.Equal(1, ofAsset[0].GetProperty("schemaVersion").GetInt32());
        Assert.Equal("d-west", ofAsset[0].GetProperty("regionId").GetString());
        Assert.True(ofAsset[0].GetProperty("payload").GetProperty("alert").GetProperty("conditionActive").GetBoolean());
        Assert.False(ofAsset[^1].GetProperty("payload").GetProperty("alert").GetProperty("conditionActive").GetBoolean());

        var cleared = await GetJsonAsync($"api/feed?after=0&types=alert.cleared&regionId=d-west&limit=1000", ct);
        Assert.All(cleared.GetProperty("events").EnumerateArray(), e => Assert.Equal("alert.cleared", Type(e)));
        Assert.Contains(cleared.GetProperty("events").EnumerateArray(), e => Asset(e) == asset);
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_new_alert_is_appended_and_empty_when_nothing_comes()
    {
        var ct = TestContext.Current.CancellationToken;
        const string asset = "gp-t-017";
        var next = await LatestCursorAsync(ct);

        var quiet = Stopwatch.StartNew();
        var empty = await GetJsonAsync($"api/feed?after={next}&wait=1&types=alert.none", ct);
        quiet.Stop();
        Assert.Empty(empty.GetProperty("events").EnumerateArray());
        Assert.Equal(next, empty.GetProperty("next").GetInt64());
        Assert.InRange(quiet.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));

        var polling = GetJsonAsync($"api/feed?after={next}&wait=30&types=alert.raised", ct);
        await Task.Delay(500, ct);
        Assert.False(polling.IsCompleted);
        var published = Stopwatch.StartNew();
        using (var mqtt = await server.ConnectMqttAsync("feed-poll", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var page = await polling.WaitAsync(TimeSpan.FromSeconds(20), ct);
        published.Stop();
        Assert.True(published.Elapsed < TimeSpan.FromSeconds(10), $"long-poll took {published.Elapsed}");
        var first = page.GetProperty("events")[0];
        Assert.Equal(("alert.raised", asset), (Type(first), Asset(first)));
        Assert.True(first.GetProperty("cursor").GetInt64() > next);
        Assert.Equal(page.GetProperty("events").EnumerateArray().Last().GetProperty("cursor").GetInt64(), page.GetProperty("next").GetInt64());
    }

    [Fact]
    public async Task Bad_parameters_are_validation_problems_naming_each_parameter()
    {
        var ct = TestContext.Current.CancellationToken;

        var response = await _feed.GetAsync("api/feed?after=-1&limit=0&wait=31&types=Alert!", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors");
        Assert.Equal(["after", "limit", "types", "wait"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await _feed.GetAsync("api/feed?after=abc", ct)).StatusCode);
    }

    private async Task<List<JsonElement>> ReadAllAsync(long after, CancellationToken ct)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var page = await GetJsonAsync($"api/feed?after={after}&limit=50", ct);
            var batch = page.GetProperty("events").EnumerateArray().ToList();
            if (batch.Count == 0)
            {
                return events;
            }

            events.AddRange(batch);
            after = page.GetProperty("next").GetInt64();
        }
    }

    private async Task<long> LatestCursorAsync(CancellationToken ct) =>
        await ReadAllAsync(0, ct) is { Count: > 0 } all ? all[^1].GetProperty("cursor").GetInt64() : 0;

    private Task<JsonElement> GetJsonAsync(string path, CancellationToken ct) => _feed.GetFromJsonAsync<JsonElement>(path, ct);

    private static string? Type(JsonElement e) => e.GetProperty("type").GetString();

    private static string? Asset(JsonElement e) => e.GetProperty("assetId").GetString();
}
