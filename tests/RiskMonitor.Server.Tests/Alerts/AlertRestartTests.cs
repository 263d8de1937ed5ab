using System.Net;
using System.Net.Http.Json;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary>
/// The alert lifecycle across a restart: PostgreSQL is the system of record, so a new server process on the same
/// database finds every alert that is not closed, its ledger, and the grain state that stops it raising a duplicate.
/// The class runs its own server, which it stops and starts again on the same ports and database.
/// </summary>
public sealed class AlertRestartTests : IAsyncLifetime
{
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OwnServer.StartAsync(new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task An_acknowledged_alert_and_its_ledger_survive_a_restart_and_the_same_leak_raises_no_second_alert()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = _server.As("li.wei", ["supervisor"]);
        const string asset = "gp-t-001";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        using (var mqtt = await _server.ConnectMqttAsync("restart-1", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var raised = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(15), ct);
        var alertId = raised.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei", note = "on my way" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"api/alerts/{alertId}/assign", new { actor = "li.wei", assignee = "wang.fang" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "wang.fang", note = "valve chamber smells of gas" }, ct)).StatusCode);
        var historyBefore = await _server.GetJsonAsync($"api/alerts/{alertId}/history", ct);

        await _server.RestartAsync(ct);

        var afterRestart = await _server.GetJsonAsync($"api/alerts?assetId={asset}", ct);
        var alert = await _server.GetJsonAsync($"api/alerts/{alertId}", ct);
        var historyAfter = await _server.GetJsonAsync($"api/alerts/{alertId}/history", ct);
        Assert.Equal(1, afterRestart.GetProperty("total").GetInt32());
        Assert.Equal(alertId, afterRestart.GetProperty("items")[0].GetProperty("alertId").GetString());
        Assert.Equal("acknowledged", alert.GetProperty("state").GetString());
        Assert.Equal("wang.fang", alert.GetProperty("assignee").GetString());
        Assert.True(alert.GetProperty("conditionActive").GetBoolean());
        Assert.Equal(
            ["raised", "acknowledged", "assigned", "commented"],
            historyAfter.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        Assert.Equal(historyBefore.GetRawText(), historyAfter.GetRawText());
        Assert.Equal("li.wei", historyAfter[1].GetProperty("actor").GetString());
        Assert.Equal("open", historyAfter[1].GetProperty("stateBefore").GetString());
        Assert.Equal("acknowledged", historyAfter[1].GetProperty("stateAfter").GetString());

        // The leak goes on after the restart: the same alert carries on (the grain remembered it), then clears and
        // is resolved and closed; the closed alert is still found, from PostgreSQL.
        using (var mqtt = await _server.ConnectMqttAsync("restart-2", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.AddSeconds(5).ToUnixTimeMilliseconds(), ("ch4_lel", 80)), ct);
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.AddSeconds(10).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        }

        await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts?assetId={asset}&active=false", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(15), ct);
        var resolve = await http.PostAsJsonAsync($"api/alerts/{alertId}/resolve", new { actor = "wang.fang", note = "flange gasket replaced", cause = "leak_repaired" }, ct);
        var close = await http.PostAsJsonAsync($"api/alerts/{alertId}/close", new { actor = "zhang.min", note = "verified on site, 0 %LEL" }, ct);
        var again = await http.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "zhang.min", note = "too late" }, ct);
        var open = await _server.GetJsonAsync($"api/alerts?assetId={asset}", ct);
        var closed = await _server.GetJsonAsync($"api/alerts?state=closed&assetId={asset}", ct);
        var closedOne = await _server.GetJsonAsync($"api/alerts/{alertId}", ct);
        var final = await _server.GetJsonAsync($"api/alerts/{alertId}/history", ct);

        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0, open.GetProperty("total").GetInt32());
        Assert.Equal(alertId, closed.GetProperty("items")[0].GetProperty("alertId").GetString());
        Assert.Equal("leak_repaired", closed.GetProperty("items")[0].GetProperty("cause").GetString());
        Assert.Equal("closed", closedOne.GetProperty("state").GetString());
        Assert.Equal(
            ["raised", "acknowledged", "assigned", "commented", "condition_cleared", "resolved", "closed"],
            final.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Where(a => a != "level_changed"));
        Assert.Equal(Enumerable.Range(1, final.GetArrayLength()), final.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt32()));
    }
}
