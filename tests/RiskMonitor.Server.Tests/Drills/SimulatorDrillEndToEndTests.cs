using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using RiskMonitor.Simulator.Cli;

namespace RiskMonitor.Server.Tests.Drills;

/// <summary>
/// Issue 21's "a drill scenario run from the simulator leaves the KPIs and the real feed unchanged and produces its drill
/// report" (decision 0049): the simulator, through its own run command, records a drill over the API, plays a gas leak
/// on the drill channel while the pipeline's real readings go on as measured; people acknowledge, go on site, open an
/// incident and a hazard for the drill and report; stopping the simulator ends the drill and writes its report.
/// </summary>
public sealed class SimulatorDrillEndToEndTests : IAsyncLifetime
{
    private const string Asset = "gp-t-001";
    private readonly string _folder = Directory.CreateTempSubdirectory("riskmonitor-sim-drill-").FullName;
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_gas_leak_drill_from_the_simulator_leaves_the_kpis_and_the_real_feed_unchanged_and_reports_who_answered_and_how_fast()
    {
        var ct = TestContext.Current.CancellationToken;
        var kpisBefore = await _server.GetJsonAsync("api/kpis", ct);
        var cursor = (await _server.GetJsonAsync("api/feed?after=0&limit=1000", ct)).GetProperty("next").GetInt64();
        var raised = new ConcurrentQueue<JsonElement>();
        await using var hub = await _server.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertRaised", raised.Enqueue);

        // The simulator speaks to the server as a device gateway would (MQTT) and as the drill's supervisor (REST).
        var assets = Path.Combine(_folder, "assets.geojson");
        var reportPath = Path.Combine(_folder, "drill-report.json");
        await File.WriteAllTextAsync(assets, TestCity.GeoJson(4), ct);
        var command = CommandLine.Parse([
            "run", "--assets", assets, "--port", _server.MqttPort.ToString(CultureInfo.InvariantCulture), "--http-port", "0", "--clients", "1",
            "--rate", "10", "--stats-seconds", "3600", "--drill", $"gas-leak:{Asset}", "--drill-title", "燃气泄漏模拟器演练", "--drill-length", "10m",
            "--drill-report", reportPath, "--api", _server.BaseUrl.ToString(), "--token", TestIdentity.Token("zhang.min", ["supervisor"]),
            // The devices stay online when the simulator stops: only the drill ends.
            "--no-offline-on-exit",
        ]);
        Assert.Equal(CommandKind.Run, command.Kind);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = RunCommand.RunAsync(command.Run!, stop.Token);

        // The leak reaches the duty room as a drill alert on the pipeline's drill key.
        var drillAlert = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(raised.FirstOrDefault(a => a.GetProperty("drill").ValueKind == JsonValueKind.String)),
            a => a.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(90), ct);
        var drillId = drillAlert.GetProperty("drill").GetString()!;
        var alertId = drillAlert.GetProperty("alertId").GetString()!;
        Assert.Equal($"{Asset}!{drillId}", drillAlert.GetProperty("assetId").GetString());

        // The ramp climbs; the officer answers once it is red, the level whose acknowledge clock (5 min) the report checks.
        await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts/{alertId}", ct),
            a => a.GetProperty("severity").GetString() == "red", TimeSpan.FromSeconds(90), ct);

        // People answer: the officer acknowledges, the repair crew starts work on site, the duty room opens an incident from
        // the drill alert (it becomes the drill's) and reports it, and an inspector records a hazard for the drill.
        using var officer = _server.As("li.wei", ["operator"]);
        using var crew = _server.As("wang.fang", ["operator"]);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await crew.PostAsJsonAsync($"api/alerts/{alertId}/start", new { }, ct)).StatusCode);
        var opened = await officer.PostAsJsonAsync("api/incidents/records", new { title = "演练：阀门井燃气泄漏", type = "gas_leak", alertIds = new[] { alertId } }, ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var incident = (await opened.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("incident");
        var incidentId = incident.GetProperty("incidentId").GetString()!;
        Assert.Equal(drillId, incident.GetProperty("drillId").GetString());
        Assert.True(incident.GetProperty("exercise").GetBoolean());
        var reported = await officer.PostAsJsonAsync($"api/incidents/records/{incidentId}/reports",
            new { kind = "first", level = "county", to = "演练导调组", content = "首报（演练）" }, ct);
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        var hazard = await officer.PostAsJsonAsync("api/hazards", new
        {
            description = "演练：阀门井盖板破损",
            level = "major",
            assetId = Asset,
            drillId,
            responsibleUnit = "城西燃气公司",
            supervisingDepartment = "市应急管理局",
            deadline = DateTimeOffset.UtcNow.AddDays(1),
        }, ct);
        Assert.Equal(HttpStatusCode.Created, hazard.StatusCode);
        var hazardId = (await hazard.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString()!;
        await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts/{alertId}/history", ct),
            h => h.EnumerateArray().Any(e => e.GetProperty("action").GetString() == "work_started"), TimeSpan.FromSeconds(30), ct);

        // Stopping the simulator ends the drill (after its closing messages) and writes the report it fetched.
        await stop.CancelAsync();
        Assert.Equal(0, await run);

        // A record made for the drill after it ended, or for a drill that never was, is refused and nothing is stored.
        var late = await officer.PostAsJsonAsync("api/hazards", new { description = "演练结束后补录", assetId = Asset, drillId }, ct);
        var unknown = await officer.PostAsJsonAsync("api/incidents/records", new { title = "演练", type = "gas_leak", drillId = "DR-20000101-NOSUCH" }, ct);
        foreach (var refused in new[] { late, unknown })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        var written = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath, ct)).RootElement;
        // The server's copy, once PostgreSQL has the drill's closing of its alert.
        var report = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/drills/{drillId}/report", ct),
            r => r.GetProperty("alerts").GetArrayLength() == 1 && r.GetProperty("alerts")[0].GetProperty("closed").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(30), ct);
        var kpisAfter = await _server.GetJsonAsync("api/kpis", ct);
        var feed = await _server.GetJsonAsync($"api/feed?after={cursor}&limit=1000", ct);
        var hazardStats = await _server.GetJsonAsync("api/hazards/stats", ct);
        var realAlerts = await _server.GetJsonAsync($"api/alerts?assetId={Asset}", ct);
        var realClosed = await _server.GetJsonAsync($"api/alerts?assetId={Asset}&state=closed", ct);

        // The report: who acknowledged, who arrived, who reported, and how long after the raise or the knowing each came.
        Assert.Equal(drillId, written.GetProperty("drillId").GetString());
        Assert.Equal("ended", written.GetProperty("status").GetString());
        Assert.True(written.GetProperty("exercise").GetBoolean());
        var line = Assert.Single(written.GetProperty("alerts").EnumerateArray());
        Assert.Equal(alertId, line.GetProperty("alertId").GetString());
        Assert.Equal("li.wei", line.GetProperty("acknowledged").GetProperty("actor").GetString());
        Assert.Equal("wang.fang", line.GetProperty("workStarted").GetProperty("actor").GetString());
        Assert.InRange(line.GetProperty("acknowledged").GetProperty("secondsAfterRaise").GetDouble(), 0, 600);
        Assert.Equal("met", line.GetProperty("clock").GetString());
        Assert.Equal("ended", report.GetProperty("status").GetString());
        Assert.Equal(incidentId, report.GetProperty("incidents")[0].GetProperty("incidentId").GetString());
        var incidentLine = Assert.Single(written.GetProperty("incidents").EnumerateArray());
        Assert.Equal(incidentId, incidentLine.GetProperty("incidentId").GetString());
        Assert.Equal([("acknowledged", "li.wei"), ("on_site", "wang.fang"), ("reported", "li.wei")],
            incidentLine.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("act").GetString()!, s.GetProperty("who").GetString()!)));
        Assert.All(incidentLine.GetProperty("steps").EnumerateArray(), s => Assert.True(s.GetProperty("secondsAfter").GetDouble() >= 0));
        Assert.Equal("met", incidentLine.GetProperty("clocks")[0].GetProperty("status").GetString());
        var hazardLine = Assert.Single(written.GetProperty("hazards").EnumerateArray());
        Assert.Equal(hazardId, hazardLine.GetProperty("hazardId").GetString());
        Assert.Equal("missed", hazardLine.GetProperty("clock").GetString()); // the drill ended before it was put right

        // Nothing of the drill counts or reaches the city: the KPIs are as they were, no real alert was raised on the
        // pipeline whose real readings went on, the hazard figures leave the drill's hazard out, and the feed carries
        // no alert, incident or hazard event since the drill began.
        var closedAlerts = await _server.GetJsonAsync("api/alerts?state=closed", ct);
        Assert.True(kpisBefore.GetProperty("alertsRaised").GetInt32() == kpisAfter.GetProperty("alertsRaised").GetInt32(),
            $"KPIs before {kpisBefore.GetRawText()}; after {kpisAfter.GetRawText()}; closed alerts {closedAlerts.GetRawText()}");
        Assert.Equal(kpisBefore.GetProperty("timeToAcknowledge").GetProperty("count").GetInt32(), kpisAfter.GetProperty("timeToAcknowledge").GetProperty("count").GetInt32());
        Assert.Equal(0, realAlerts.GetProperty("total").GetInt32());
        Assert.Equal(0, realClosed.GetProperty("total").GetInt32());
        Assert.Equal(0, hazardStats.GetProperty("total").GetInt32());
        Assert.Equal(1, (await _server.GetJsonAsync("api/hazards", ct)).GetArrayLength()); // the drill's own, marked; the late one was not stored
        var feedText = feed.GetRawText();
        Assert.DoesNotContain(drillId, feedText, StringComparison.Ordinal);
        Assert.DoesNotContain(feed.GetProperty("events").EnumerateArray(), e =>
            e.GetProperty("type").GetString() is { } type && (type.StartsWith("alert.", StringComparison.Ordinal) ||
                type.StartsWith("incident.", StringComparison.Ordinal) || type.StartsWith("hazard.", StringComparison.Ordinal) ||
                type.StartsWith("exercise.", StringComparison.Ordinal)));
    }
}
