using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// The alert lifecycle across a restart: PostgreSQL is the system of record, so a new server process on the same
/// database finds every alert that is not closed, its ledger, and the grain state that stops it raising a duplicate.
/// The class runs its own server, which it stops and starts again on the same ports and database.
/// </summary>
public sealed class AlertRestartTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-restart-").FullName;
    private readonly int _httpPort = FreePort.Next();
    private readonly int _mqttPort = FreePort.Next();
    private readonly int _siloPort = FreePort.Next();
    private readonly int _gatewayPort = FreePort.Next();
    private readonly InfluxDbProcess _influx = new();
    private readonly PostgresProcess _postgres = new();
    private WebApplication? _app;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _influx.StartAsync(ct);
        await _influx.CreateDatabaseAsync(ServerFixture.Database, ct);
        await _postgres.StartAsync(ct);
        await _postgres.CreateDatabaseAsync(ServerFixture.Database, ct);
        await File.WriteAllTextAsync(Path.Combine(_root, "assets.geojson"), TestCity.GeoJson(4), ct);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(30) };
        await StartServerAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await StopServerAsync();
        await _postgres.DisposeAsync();
        await _influx.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a spool file still open: the OS cleans its temp folder
        }
    }

    [Fact]
    public async Task An_acknowledged_alert_and_its_ledger_survive_a_restart_and_the_same_leak_raises_no_second_alert()
    {
        var ct = TestContext.Current.CancellationToken;
        const string asset = "gp-t-001";
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        using (var mqtt = await ConnectMqttAsync("restart-1", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var raised = await ServerFixture.EventuallyAsync(() => GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(15), ct);
        var alertId = raised.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei", note = "on my way" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsJsonAsync($"api/alerts/{alertId}/assign", new { actor = "li.wei", assignee = "wang.fang" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "wang.fang", note = "valve chamber smells of gas" }, ct)).StatusCode);
        var historyBefore = await GetJsonAsync($"api/alerts/{alertId}/history", ct);

        await StopServerAsync();
        await StartServerAsync(ct);

        var afterRestart = await GetJsonAsync($"api/alerts?assetId={asset}", ct);
        var alert = await GetJsonAsync($"api/alerts/{alertId}", ct);
        var historyAfter = await GetJsonAsync($"api/alerts/{alertId}/history", ct);
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
        using (var mqtt = await ConnectMqttAsync("restart-2", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.AddSeconds(5).ToUnixTimeMilliseconds(), ("ch4_lel", 80)), ct);
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(t0.AddSeconds(10).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        }

        await ServerFixture.EventuallyAsync(() => GetJsonAsync($"api/alerts?assetId={asset}&active=false", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(15), ct);
        var resolve = await _http.PostAsJsonAsync($"api/alerts/{alertId}/resolve", new { actor = "wang.fang", note = "flange gasket replaced", cause = "leak_repaired" }, ct);
        var close = await _http.PostAsJsonAsync($"api/alerts/{alertId}/close", new { actor = "zhang.min", note = "verified on site, 0 %LEL" }, ct);
        var again = await _http.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "zhang.min", note = "too late" }, ct);
        var open = await GetJsonAsync($"api/alerts?assetId={asset}", ct);
        var closed = await GetJsonAsync($"api/alerts?state=closed&assetId={asset}", ct);
        var final = await GetJsonAsync($"api/alerts/{alertId}/history", ct);

        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0, open.GetProperty("total").GetInt32());
        Assert.Equal(alertId, closed.GetProperty("items")[0].GetProperty("alertId").GetString());
        Assert.Equal("leak_repaired", closed.GetProperty("items")[0].GetProperty("cause").GetString());
        Assert.Equal(
            ["raised", "acknowledged", "assigned", "commented", "condition_cleared", "resolved", "closed"],
            final.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Where(a => a != "level_changed"));
        Assert.Equal(Enumerable.Range(1, final.GetArrayLength()), final.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt32()));
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        _app = RiskMonitorApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:RiskMonitor"] = "Warning",
            ["Urls"] = $"http://127.0.0.1:{_httpPort.ToString(CultureInfo.InvariantCulture)}",
            ["Mqtt:Port"] = _mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Influx:Url"] = _influx.Url.ToString(),
            ["Influx:Database"] = ServerFixture.Database,
            ["Influx:SpoolDirectory"] = Path.Combine(_root, "spool"),
            ["Influx:FlushInterval"] = "00:00:00.100",
            ["Registry:AssetsPath"] = Path.Combine(_root, "assets.geojson"),
            ["ConnectionStrings:RiskMonitor"] = _postgres.ConnectionString(ServerFixture.Database),
            ["Orleans:SiloPort"] = _siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
        }));
        await _app.StartAsync(ct);
    }

    private async Task StopServerAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _app = null;
    }

    private Task<MQTTnet.IMqttClient> ConnectMqttAsync(string clientId, CancellationToken ct) =>
        ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mqttPort).WithClientId(clientId).Build(), ct);

    private static async Task<MQTTnet.IMqttClient> ConnectAsync(MQTTnet.MqttClientOptions options, CancellationToken ct)
    {
        var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(options, ct);
        return client;
    }

    private async Task<JsonElement> GetJsonAsync(string path, CancellationToken ct) => await _http.GetFromJsonAsync<JsonElement>(path, ct);
}
