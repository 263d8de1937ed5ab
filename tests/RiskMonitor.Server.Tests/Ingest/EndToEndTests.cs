using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Server.Tests.Ingest;

/// <summary>The walking skeleton from the outside: MQTT in; SignalR, REST and InfluxDB out; all of them real.</summary>
public sealed partial class EndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-10);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex Rfc3339Millis();

    [Fact]
    public async Task A_leak_ramp_raises_and_clears_an_alert_stores_every_reading_and_dead_letters_the_junk()
    {
        var ct = TestContext.Current.CancellationToken;
        const string asset = "gp-t-001";
        var received = new ConcurrentQueue<(string Method, JsonElement Alert, long AtTicks)>();
        await using var hub = await server.ConnectHubAsync(ct);
        foreach (var method in new[] { "alertRaised", "alertUpdated", "alertCleared" })
        {
            hub.On<JsonElement>(method, alert => received.Enqueue((method, alert, Stopwatch.GetTimestamp())));
        }

        using var mqtt = await server.ConnectMqttAsync("e2e-ramp", ct);

        // 0..40 s up to 60 % LEL, then back down to 1 by 60 s: crosses blue, yellow, orange, red and clears.
        double[] ramp = [.. Enumerable.Range(0, 41).Select(s => 1 + (s * 1.5)), .. Enumerable.Range(1, 20).Select(s => Math.Max(1, 60 - (s * 3)))];
        var publishedAt = new long[ramp.Length];
        for (var i = 0; i < ramp.Length; i++)
        {
            var ts = T0.AddSeconds(i).ToUnixTimeMilliseconds();
            publishedAt[i] = Stopwatch.GetTimestamp();
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry",
                ServerFixture.Reading(ts, ("ch4_lel", ramp[i]), ("pressure_kpa", 310)), ct);
        }

        // Junk in the same run: every kind is refused, counted and kept; none of it touches the good readings.
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", "{not json", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", """{"values":{"ch4_lel":"high"}}""", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", """{"values":{"ch4_lel":1e999}}""", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", "[]", ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/no-such-asset/telemetry", """{"values":{"ch4_lel":1}}""", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/whatever", """{"values":{"ch4_lel":1}}""", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds(), ("ch4_lel", 1)), ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", new string('x', 70_000), ct);

        await ServerFixture.EventuallyAsync(() => Task.FromResult(received.ToArray()), r => r.Any(x => x.Method == "alertCleared"), TimeSpan.FromSeconds(15), ct);
        var alerts = received.ToArray();
        Assert.Equal("alertRaised", alerts[0].Method);
        Assert.Equal("alertCleared", alerts[^1].Method);
        Assert.Single(alerts.Select(a => a.Alert.GetProperty("alertId").GetString()).Distinct());
        var cleared = alerts[^1].Alert;
        Assert.Equal(asset, cleared.GetProperty("assetId").GetString());
        Assert.Equal("ch4_lel.high", cleared.GetProperty("ruleId").GetString());
        Assert.Equal("red", cleared.GetProperty("severity").GetString());
        Assert.Equal("open", cleared.GetProperty("state").GetString());
        Assert.False(cleared.GetProperty("conditionActive").GetBoolean());
        Assert.Equal(JsonValueKind.Number, cleared.GetProperty("value").ValueKind);
        Assert.Matches(Rfc3339Millis(), cleared.GetProperty("readingTime").GetString());
        Assert.Matches(Rfc3339Millis(), cleared.GetProperty("raisedAt").GetString());

        // The first sample at >= 5 % LEL is index 3 (5.5); blue confirms 10 s of device time later, at index 13.
        var latency = Stopwatch.GetElapsedTime(publishedAt[13], alerts[0].AtTicks);
        TestContext.Current.SendDiagnosticMessage($"publish -> alertRaised latency: {latency.TotalMilliseconds:0.0} ms");

        var points = await ServerFixture.EventuallyAsync(
            () => server.Influx.QueryAsync(ServerFixture.Database, $"SELECT ch4_lel FROM telemetry WHERE asset = '{asset}'", ct),
            s => s.Sum(x => x.Values.Count) >= ramp.Length, TimeSpan.FromSeconds(15), ct);
        var stored = points.SelectMany(s => s.Column("ch4_lel")).Select(v => v.GetDouble()).ToArray();
        Assert.Equal(ramp, stored);

        var stats = await server.GetJsonAsync("api/ingest/stats", ct);
        var rejected = stats.GetProperty("ingestion").GetProperty("rejectedByReason");
        Assert.Equal(1, rejected.GetProperty("invalid_json").GetInt64());
        Assert.Equal(1, rejected.GetProperty("wrong_type").GetInt64());
        Assert.Equal(1, rejected.GetProperty("non_finite_value").GetInt64());
        Assert.Equal(1, rejected.GetProperty("empty_batch").GetInt64());
        Assert.Equal(1, rejected.GetProperty("unknown_asset").GetInt64());
        Assert.Equal(1, rejected.GetProperty("unknown_channel").GetInt64());
        Assert.Equal(1, rejected.GetProperty("future_timestamp").GetInt64());
        Assert.Equal(1, rejected.GetProperty("oversized").GetInt64());

        var letters = await server.GetJsonAsync("api/ingest/dead-letters?limit=100", ct);
        Assert.Contains(letters.EnumerateArray(), l => l.GetProperty("payloadText").GetString() == "{not json");
        Assert.Contains(letters.EnumerateArray(), l => l.GetProperty("topic").GetString() == "rm/v1/no-such-asset/telemetry");

        var current = await server.GetJsonAsync($"api/alerts?assetId={asset}", ct);
        Assert.Equal(1, current.GetProperty("total").GetInt32());
        var view = await server.GetJsonAsync($"api/assets/{asset}", ct);
        Assert.Equal(ramp[^1], view.GetProperty("latest").GetProperty("ch4_lel").GetProperty("value").GetDouble());
        Assert.Equal("none", view.GetProperty("level").GetString());
    }

    [Fact]
    public async Task An_alert_is_acknowledged_resolved_and_closed_over_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        const string asset = "gp-t-002";
        using var mqtt = await server.ConnectMqttAsync("e2e-handle", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(T0.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        var alerts = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;

        using var nobody = new HttpClient { BaseAddress = server.BaseUrl };
        var anonymous = await nobody.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei" }, ct);
        var ack = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei" }, ct);
        var tooEarly = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/resolve", new { actor = "li.wei", note = "vented" }, ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(T0.AddSeconds(5).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/alerts?assetId={asset}&active=false", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        var resolve = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/resolve", new { actor = "li.wei", note = "valve replaced" }, ct);
        var close = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/close", new { actor = "zhang.min", note = "verified on site" }, ct);
        var unknown = await server.Http.PostAsJsonAsync("api/alerts/gp-t-002~nope~1/acknowledge", new { actor = "li.wei" }, ct);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode); // a step needs a signed-in person
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(System.Net.HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, resolve.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, close.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        var after = await server.GetJsonAsync($"api/alerts?assetId={asset}", ct);
        Assert.Equal(0, after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Health_openapi_and_the_api_reference_are_served()
    {
        var ct = TestContext.Current.CancellationToken;

        var ready = await server.Http.GetAsync("health/ready", ct);
        var live = await server.Http.GetAsync("health/live", ct);
        var openApi = await server.GetJsonAsync("openapi/v1.json", ct);
        var reference = await server.Http.GetAsync("api/reference", ct);
        var missing = await server.Http.GetAsync("api/assets/nope", ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/alerts/{alertId}/acknowledge", out _));
        Assert.Equal(System.Net.HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_asset_list_covers_the_registry_with_colours()
    {
        var page = await server.GetJsonAsync("api/assets?kind=elevator", TestContext.Current.CancellationToken);

        var elevator = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("el-t-001", elevator.GetProperty("assetId").GetString());
        Assert.Equal("yellow", elevator.GetProperty("colour").GetString());
    }
}
