using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Kpis;

/// <summary>GET /api/kpis on a server of its own, after a known history made over MQTT and REST.</summary>
public sealed class KpiEndToEndTests : IAsyncLifetime
{
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Kpis_count_todays_alerts_by_severity_the_false_alarm_share_and_the_times_to_acknowledge_and_close()
    {
        var ct = TestContext.Current.CancellationToken;
        var acknowledged = await RaiseRedAsync("gp-t-001", ct);
        var falseAlarm = await RaiseRedAsync("gp-t-003", ct);
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/alerts/{acknowledged}/acknowledge", new { actor = "张值班" }, ct)).StatusCode);
        using (var mqtt = await _server.ConnectMqttAsync("kpi-clear", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 0)), ct);
        }

        await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts/{falseAlarm}", ct), a => !a.GetProperty("conditionActive").GetBoolean(), TimeSpan.FromSeconds(10), ct);
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/alerts/{falseAlarm}/resolve", new { actor = "张值班", note = "sensor drift", cause = "false_alarm" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post($"api/alerts/{falseAlarm}/close", new { actor = "李主任", note = "checked on site" }, ct)).StatusCode);

        var kpis = await _server.GetJsonAsync("api/kpis", ct);
        var utc = await _server.GetJsonAsync("api/kpis?utcOffset=Z", ct);
        var badOffset = await _server.Http.GetAsync("api/kpis?utcOffset=8", ct);
        var backwards = await _server.Http.GetAsync("api/kpis?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z", ct);

        Assert.Equal(2, kpis.GetProperty("alertsRaised").GetInt32());
        Assert.Equal("+08:00", kpis.GetProperty("utcOffset").GetString());
        Assert.Equal(7, kpis.GetProperty("perDay").GetArrayLength());
        var today = kpis.GetProperty("perDay")[6];
        Assert.Equal(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), today.GetProperty("day").GetString());
        Assert.Equal((2, 2), (today.GetProperty("total").GetInt32(), today.GetProperty("red").GetInt32()));
        Assert.Equal((1, 1, 1.0), (kpis.GetProperty("closed").GetInt32(), kpis.GetProperty("closedAsFalseAlarm").GetInt32(), kpis.GetProperty("falseAlarmShare").GetDouble()));
        Assert.Equal(1, kpis.GetProperty("timeToAcknowledge").GetProperty("count").GetInt32());
        Assert.True(kpis.GetProperty("timeToAcknowledge").GetProperty("medianSeconds").GetDouble() >= 0);
        Assert.Equal(1, kpis.GetProperty("timeToClose").GetProperty("count").GetInt32());
        Assert.Equal(0, kpis.GetProperty("overdueHazards").GetInt32());
        Assert.Equal(2, utc.GetProperty("alertsRaised").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badOffset.StatusCode);
        Assert.Equal("application/problem+json", badOffset.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }

    private Task<HttpResponseMessage> Post(string path, object body, CancellationToken ct) => _server.Http.PostAsJsonAsync(path, body, ct);

    private async Task<string> RaiseRedAsync(string asset, CancellationToken ct)
    {
        using (var mqtt = await _server.ConnectMqttAsync("kpi-" + asset, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
    }
}
