using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Drills;

/// <summary>
/// A drill on a server of its own with PostgreSQL (decision 0042): its alert reaches the hub marked, CAP says Exercise,
/// the KPIs, the circular and the integration feed leave it out, and a real alert raised on the same asset meanwhile
/// stays real and counts. Ending the drill closes its alert; its report names who acknowledged and whether in time.
/// The wall and the on-call page, in chromium, mark the drill's alert and not the real one.
/// </summary>
public sealed class DrillEndToEndTests(BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private const string Asset = "gp-t-001";
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_drill_alert_is_marked_everywhere_and_counted_nowhere_while_a_real_alert_meanwhile_stays_real()
    {
        var ct = TestContext.Current.CancellationToken;
        var raised = new ConcurrentQueue<JsonElement>();
        await using var hub = await _server.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertRaised", raised.Enqueue);

        // An unscripted drill: a methane leak on a real pipeline, sent through the ingestion path on the drill channel.
        var created = await _server.Http.PostAsJsonAsync("api/drills", new
        {
            title = "燃气泄漏不打招呼演练",
            mode = "unscripted",
            scenario = new[] { new { assetId = Asset, metric = "ch4_lel", value = 70.0 } },
        }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var drillId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("drillId").GetString()!;
        var drillAlert = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(raised.FirstOrDefault(a => a.GetProperty("drill").GetString() == drillId)),
            a => a.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(20), ct);
        var drillAlertId = drillAlert.GetProperty("alertId").GetString()!;

        // Meanwhile the same pipeline really leaks.
        using (var mqtt = await _server.ConnectMqttAsync("drill-real", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{Asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var realAlert = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(raised.FirstOrDefault(a => a.GetProperty("drill").ValueKind == JsonValueKind.Null)),
            a => a.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(20), ct);
        var realAlertId = realAlert.GetProperty("alertId").GetString()!;

        // The hub: the drill alert is marked in its id, its asset key and its text; the real one is not.
        Assert.Equal($"{Asset}!{drillId}", drillAlert.GetProperty("assetId").GetString());
        Assert.StartsWith("【演练 EXERCISE】", drillAlert.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(Asset, realAlert.GetProperty("assetId").GetString());
        Assert.DoesNotContain("演练", realAlert.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(drillAlertId, realAlertId);

        // The pages: the wall names the drill in its banner and tags its alert in the stream; the on-call page tags the
        // drill's alert with the drill's id. The real alert on the same pipeline is tagged on neither.
        var (wall, wallErrors) = await browser.OpenLivePageAsync(_server.BaseUrl, "/wall", 1920, 1080, "wall", "viewer", TimeSpan.FromSeconds(30));
        await wall.WaitForFunctionAsync(
            $"() => document.querySelector(`li[data-alert-id='{drillAlertId}'].drill .tag-drill`) && document.querySelector(`li[data-alert-id='{realAlertId}']`)",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await wall.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-drill-marked.png") });
        Assert.True(await wall.IsVisibleAsync("#drill-banner"));
        Assert.Contains(drillId, await wall.TextContentAsync("#drill-banner") ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await wall.Locator($"li[data-alert-id='{realAlertId}'] .tag-drill").CountAsync());
        Assert.DoesNotContain("drill", await wall.GetAttributeAsync($"li[data-alert-id='{realAlertId}']", "class") ?? "", StringComparison.Ordinal);
        Assert.Empty(wallErrors);

        var (oncall, oncallErrors) = await browser.OpenLivePageAsync(_server.BaseUrl, "/oncall", 390, 844, "li.wei", "operator", TimeSpan.FromSeconds(30));
        await oncall.WaitForFunctionAsync(
            $"() => document.querySelector(`li[data-alert-id='{drillAlertId}'] .tag-drill`) && document.querySelector(`li[data-alert-id='{realAlertId}']`)",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await oncall.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-drill-marked.png"), FullPage = true });
        Assert.Contains(drillId, await oncall.TextContentAsync($"li[data-alert-id='{drillAlertId}'] .tag-drill") ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await oncall.Locator($"li[data-alert-id='{realAlertId}'] .tag-drill").CountAsync());
        Assert.Empty(oncallErrors);
        await wall.Context.CloseAsync();
        await oncall.Context.CloseAsync();

        // A drill's alert is never linked into a real incident (and from there into the KPIs and the feed): refused, and
        // the real incident keeps only its real alert.
        var opened = await _server.Http.PostAsJsonAsync("api/incidents/records", new { title = "调压站泄漏", type = "gas_leak", deaths = 0, alertIds = new[] { realAlertId } }, ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var incidentId = (await opened.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("incident").GetProperty("incidentId").GetString()!;
        using var mixed = await _server.Http.PostAsJsonAsync($"api/incidents/records/{incidentId}/links", new { actor = "x", alertIds = new[] { drillAlertId } }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
        Assert.Equal("application/problem+json", mixed.Content.Headers.ContentType?.MediaType);
        var incident = (await _server.GetJsonAsync($"api/incidents/records/{incidentId}", ct)).GetProperty("incident");
        Assert.Equal([realAlertId], incident.GetProperty("alertIds").EnumerateArray().Select(a => a.GetString()));

        // The drill alert is handled like a real one, by the person signed in.
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PostAsJsonAsync($"api/alerts/{drillAlertId}/acknowledge", new { actor = "x" }, ct)).StatusCode);

        // CAP: Exercise for the drill, Actual for the real alert.
        var drillCap = XDocument.Parse(await _server.Http.GetStringAsync($"api/alerts/{drillAlertId}/cap", ct));
        var realCap = XDocument.Parse(await _server.Http.GetStringAsync($"api/alerts/{realAlertId}/cap", ct));
        Assert.Equal("Exercise", drillCap.Descendants().Single(e => e.Name.LocalName == "status").Value);
        Assert.Equal("Actual", realCap.Descendants().Single(e => e.Name.LocalName == "status").Value);

        // Once PostgreSQL has the acknowledgement, the KPIs count the real alert only (and no acknowledgement: the
        // drill's was the only one), and so does the day's circular.
        await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts/{drillAlertId}/history", ct),
            h => h.EnumerateArray().Any(e => e.GetProperty("action").GetString() == "acknowledged"), TimeSpan.FromSeconds(20), ct);
        var kpis = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync("api/kpis", ct),
            k => k.GetProperty("alertsRaised").GetInt32() >= 1, TimeSpan.FromSeconds(20), ct);
        Assert.Equal(1, kpis.GetProperty("alertsRaised").GetInt32());
        Assert.Equal(0, kpis.GetProperty("timeToAcknowledge").GetProperty("count").GetInt32());
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var circular = await _server.GetJsonAsync($"api/reports/circular?period=daily&date={today}", ct);
        Assert.Equal(1, circular.GetProperty("total").GetProperty("alerts").GetInt32());
        Assert.Equal(0, circular.GetProperty("total").GetProperty("acknowledged").GetInt32());

        // The integration feed carries the real alert and nothing of the drill.
        var feed = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync("api/feed?after=0&limit=1000", ct),
            f => f.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "alert.raised"), TimeSpan.FromSeconds(20), ct);
        var feedText = feed.GetRawText();
        Assert.DoesNotContain(drillId, feedText, StringComparison.Ordinal);
        Assert.DoesNotContain("exercise.", feedText, StringComparison.Ordinal);
        Assert.Contains(realAlertId, feedText, StringComparison.Ordinal);

        // Ending the drill closes its alert, refuses further injects, and leaves the real alert open and real.
        var ended = await _server.Http.PostAsJsonAsync($"api/drills/{drillId}/end", new { }, ct);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(1, (await ended.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("closedAlerts").GetInt32());
        var late = await _server.Http.PostAsJsonAsync($"api/drills/{drillId}/inject", new { injects = new[] { new { assetId = Asset, metric = "ch4_lel", value = 80.0 } } }, ct);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("application/problem+json", late.Content.Headers.ContentType?.MediaType);
        var real = await _server.GetJsonAsync($"api/alerts/{realAlertId}", ct);
        Assert.Equal("open", real.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, real.GetProperty("drill").ValueKind);

        // The report: who acknowledged, how long after the raise, and the clock met; the drill ended it.
        var report = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/drills/{drillId}/report", ct),
            r => r.GetProperty("alerts").GetArrayLength() == 1 && r.GetProperty("alerts")[0].GetProperty("closed").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(20), ct);
        var line = report.GetProperty("alerts")[0];
        Assert.True(report.GetProperty("exercise").GetBoolean());
        Assert.Equal("ended", report.GetProperty("status").GetString());
        Assert.Equal(drillAlertId, line.GetProperty("alertId").GetString());
        Assert.Equal(TestIdentity.DefaultName, line.GetProperty("acknowledged").GetProperty("actor").GetString());
        Assert.True(line.GetProperty("acknowledged").GetProperty("secondsAfterRaise").GetDouble() >= 0);
        Assert.Equal("met", line.GetProperty("clock").GetString());
        Assert.Equal("none", line.GetProperty("respondClock").GetString()); // a leak has no on-site deadline of its own
        Assert.Equal(1, report.GetProperty("summary").GetProperty("clocksMet").GetInt32());
    }
}
