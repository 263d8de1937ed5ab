using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using MQTTnet;
using Npgsql;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary>
/// PostgreSQL, the system of record, stops or freezes while alerts are raised (issue 17): the alerts still reach the
/// hub, an operator can still acknowledge, readiness says degraded, and once PostgreSQL is back the ledger and the feed
/// hold every change exactly once, also across a restart of the server in between. Each test has servers of its own.
/// </summary>
public sealed class PostgresOutageTests
{
    private const int Pipelines = 12;

    private static async Task<OwnServer> StartAsync(int pipelines, CancellationToken ct) =>
        await OwnServer.StartAsync(new Dictionary<string, string?> { ["AlertJournal:DegradedAfter"] = "00:00:02" }, ct, TestCity.GeoJson(pipelines));

    /// <summary>Every asset sends a normal reading, so its grain is active (an activation reads PostgreSQL; a running one does not).</summary>
    private static async Task WarmUpAsync(OwnServer server, IMqttClient mqtt, int pipelines, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 1; i <= pipelines; i++)
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/gp-t-{i:000}/telemetry", ServerFixture.Reading(now, ("ch4_lel", 1)), ct);
        }

        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/ingest/stats", ct),
            s => s.GetProperty("ingestion").GetProperty("readingsAccepted").GetInt64() >= pipelines && s.GetProperty("dispatchQueued").GetInt64() == 0,
            TimeSpan.FromSeconds(30), ct);
    }

    private static Task RedAsync(IMqttClient mqtt, int asset, CancellationToken ct) =>
        ServerFixture.PublishAsync(mqtt, $"rm/v1/gp-t-{asset:000}/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);

    private static ConcurrentDictionary<string, string> CollectRaised(HubConnection hub)
    {
        var raised = new ConcurrentDictionary<string, string>(); // assetId -> alertId
        hub.On<JsonElement>("alertRaised", a => raised[a.GetProperty("assetId").GetString()!] = a.GetProperty("alertId").GetString()!);
        return raised;
    }

    private static async Task<long> ScalarAsync(OwnServer server, string sql, CancellationToken ct)
    {
        await using var db = NpgsqlDataSource.Create(server.Postgres.ConnectionString(ServerFixture.Database));
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    [Fact]
    public async Task Alerts_stay_live_while_postgres_is_stopped_or_frozen_and_the_ledger_holds_every_change_once_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(Pipelines, ct);
        using var mqtt = await server.ConnectMqttAsync("outage", ct);
        await using var hub = await server.ConnectHubAsync(ct);
        var raised = CollectRaised(hub);
        using var operatorClient = server.As("zhang.wei", ["operator"]);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("api/auth/me", ct)).StatusCode); // the account is known on this node
        await WarmUpAsync(server, mqtt, Pipelines, ct);

        // Stopped: connections refused.
        await server.Postgres.StopAsync(ct);
        for (var i = 1; i <= 4; i++)
        {
            await RedAsync(mqtt, i, ct);
        }

        var whileStopped = await ServerFixture.EventuallyAsync(() => Task.FromResult(raised.Count), n => n >= 4, TimeSpan.FromSeconds(20), ct);
        var ready = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("health/ready", ct),
            r => r.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString() == "Degraded", TimeSpan.FromSeconds(20), ct);
        var ack = await operatorClient.PostAsJsonAsync($"api/alerts/{raised["gp-t-001"]}/acknowledge", new { note = "on my way" }, ct);
        var history = await operatorClient.GetAsync($"api/alerts/{raised["gp-t-001"]}/history", ct);
        await server.Postgres.StartAsync(ct);

        // Frozen: connections open, nothing answers.
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("health/ready", ct),
            r => r.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString() == "Healthy", TimeSpan.FromSeconds(60), ct);
        await server.Postgres.FreezeAsync(ct);
        int whileFrozen;
        try
        {
            for (var i = 5; i <= 8; i++)
            {
                await RedAsync(mqtt, i, ct);
            }

            whileFrozen = await ServerFixture.EventuallyAsync(() => Task.FromResult(raised.Count), n => n >= 8, TimeSpan.FromSeconds(20), ct);
        }
        finally
        {
            await server.Postgres.ThawAsync(ct);
        }

        var ledgerRaised = await ServerFixture.EventuallyAsync(
            () => ScalarAsync(server, "SELECT count(*) FROM alert_ledger WHERE action = 'raised'", ct), n => n >= 8, TimeSpan.FromSeconds(90), ct);
        var acknowledged = await server.GetJsonAsync($"api/alerts/{raised["gp-t-001"]}/history", ct);

        Assert.Equal(4, whileStopped);
        Assert.Equal(8, whileFrozen);
        Assert.Contains("journalled", ready.GetProperty("checks").GetProperty("postgresql").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode); // an acknowledgement does not need PostgreSQL: it is journalled too
        Assert.Equal(HttpStatusCode.ServiceUnavailable, history.StatusCode); // the ledger does, and says so
        Assert.Equal("application/problem+json", history.Content.Headers.ContentType?.MediaType);
        Assert.Equal(8, ledgerRaised);
        Assert.Equal(8, await ScalarAsync(server, "SELECT count(DISTINCT alert_id) FROM alert_ledger WHERE action = 'raised'", ct));
        Assert.Equal(8, await ScalarAsync(server, "SELECT count(*) FROM feed_events WHERE type = 'alert.raised'", ct));
        Assert.Equal(["raised", "acknowledged"], acknowledged.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        Assert.Equal("zhang.wei", acknowledged[1].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Changes_journalled_while_postgres_was_down_are_written_once_after_the_server_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(4, ct);
        using (var mqtt = await server.ConnectMqttAsync("restart", ct))
        {
            await using var hub = await server.ConnectHubAsync(ct);
            var raised = CollectRaised(hub);
            await WarmUpAsync(server, mqtt, 4, ct);
            await server.Postgres.StopAsync(ct);
            for (var i = 1; i <= 3; i++)
            {
                await RedAsync(mqtt, i, ct);
            }

            Assert.Equal(3, await ServerFixture.EventuallyAsync(() => Task.FromResult(raised.Count), n => n >= 3, TimeSpan.FromSeconds(20), ct));
        }

        // The server goes away with the changes only in its journal; it needs PostgreSQL to start again.
        await server.StopAppAsync();
        await server.Postgres.StartAsync(ct);
        NpgsqlConnection.ClearAllPools();
        await server.StartAppAsync(ct);

        var ledger = await ServerFixture.EventuallyAsync(
            () => ScalarAsync(server, "SELECT count(*) FROM alert_ledger WHERE action = 'raised'", ct), n => n >= 3, TimeSpan.FromSeconds(30), ct);
        var open = await server.GetJsonAsync("api/alerts", ct);
        await Task.Delay(1000, ct); // a second replay would have landed by now

        Assert.Equal(3, ledger);
        Assert.Equal(3, await ScalarAsync(server, "SELECT count(*) FROM alert_ledger WHERE action = 'raised'", ct));
        Assert.Equal(3, await ScalarAsync(server, "SELECT count(*) FROM feed_events WHERE type = 'alert.raised'", ct));
        Assert.Equal(3, open.GetProperty("total").GetInt32());
    }

    /// <summary>A small storm: every pipeline goes red in the same moment, then clears. Exactness, not speed, is asserted.</summary>
    [Fact]
    public async Task A_storm_of_simultaneous_alerts_reaches_the_hub_and_the_ledger_exactly_once_each()
    {
        var ct = TestContext.Current.CancellationToken;
        const int storm = 150;
        await using var server = await StartAsync(storm, ct);
        using var mqtt = await server.ConnectMqttAsync("storm", ct);
        await using var hub = await server.ConnectHubAsync(ct);
        var raised = CollectRaised(hub);
        var cleared = new ConcurrentDictionary<string, int>();
        hub.On<JsonElement>("alertCleared", a => cleared.AddOrUpdate(a.GetProperty("alertId").GetString()!, 1, (_, n) => n + 1));
        await WarmUpAsync(server, mqtt, storm, ct);

        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.WhenAll(Enumerable.Range(1, storm).Select(i =>
            ServerFixture.PublishAsync(mqtt, $"rm/v1/gp-t-{i:000}/telemetry", ServerFixture.Reading(at, ("ch4_lel", 70)), ct)));
        var raisedOnHub = await ServerFixture.EventuallyAsync(() => Task.FromResult(raised.Count), n => n >= storm, TimeSpan.FromSeconds(60), ct);
        await Task.WhenAll(Enumerable.Range(1, storm).Select(i =>
            ServerFixture.PublishAsync(mqtt, $"rm/v1/gp-t-{i:000}/telemetry", ServerFixture.Reading(at + 1000, ("ch4_lel", 0)), ct)));
        var clearedOnHub = await ServerFixture.EventuallyAsync(() => Task.FromResult(cleared.Count), n => n >= storm, TimeSpan.FromSeconds(60), ct);
        var ledger = await ServerFixture.EventuallyAsync(
            () => ScalarAsync(server, "SELECT count(*) FROM alert_ledger", ct), n => n >= 2 * storm, TimeSpan.FromSeconds(60), ct);
        await Task.Delay(1000, ct);

        Assert.Equal(storm, raisedOnHub);
        Assert.Equal(storm, clearedOnHub);
        Assert.All(cleared.Values, n => Assert.Equal(1, n));
        Assert.Equal(2 * storm, ledger);
        Assert.Equal(storm, await ScalarAsync(server, "SELECT count(DISTINCT alert_id) FROM alert_ledger WHERE action = 'raised'", ct));
        Assert.Equal(storm, await ScalarAsync(server, "SELECT count(*) FROM alert_ledger WHERE action = 'condition_cleared'", ct));
        Assert.Equal(2 * storm, await ScalarAsync(server, "SELECT count(*) FROM feed_events WHERE type LIKE 'alert.%'", ct));
        Assert.Equal(2L * storm, await ScalarAsync(server, "SELECT count(*) FROM (SELECT alert_id, seq FROM alert_ledger GROUP BY alert_id, seq) s", ct));
    }
}
