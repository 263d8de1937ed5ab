using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Server.Incidents;

namespace RiskMonitor.Server.Tests.Incidents;

/// <summary>
/// A server whose incident clocks run on a fake clock (<see cref="IncidentsModule.TimeKey"/>): the regulatory hours are
/// moved by the test, everything else (Orleans, the broker, PostgreSQL) runs on real time.
/// </summary>
public sealed class IncidentServerFixture : IAsyncLifetime
{
    /// <summary>Starts a minute in the past: a test sets it to the real now once its alert is raised, then moves it on.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow.AddMinutes(-1));

    internal OwnServer Server { get; private set; } = null!;

    /// <summary>Brings the fake clock up to the real now (a fake clock never goes back: after an earlier test moved it on, it stays ahead).</summary>
    public void CatchUpWithRealTime()
    {
        var now = DateTimeOffset.UtcNow;
        if (now > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(now);
        }
    }

    /// <summary>A small evidence limit, so that a file just over it is cheap to send.</summary>
    public const int EvidenceMaxBytes = 64 * 1024;

    public async ValueTask InitializeAsync() =>
        Server = await OwnServer.StartAsync(
            new Dictionary<string, string?> { ["Hazards:EvidenceMaxBytes"] = EvidenceMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            TestContext.Current.CancellationToken,
            configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(IncidentsModule.TimeKey, Clock));

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 21 must-shows for incidents and the reporting ladder, over REST and the hub, on PostgreSQL.</summary>
public sealed class IncidentLadderEndToEndTests(IncidentServerFixture fixture) : IClassFixture<IncidentServerFixture>
{
    private const string Leader = DutyRoster.Leader;

    [Fact]
    public async Task A_gas_leak_with_three_deaths_is_larger_climbs_to_the_province_is_marked_late_and_a_follow_up_with_twelve_deaths_makes_it_major()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = fixture.Server;
        var http = server.Http;
        await AddShiftAsync(ct);
        var alertId = await RaiseGasLeakAsync("gp-t-001", ct);
        await using var leader = await server.ConnectHubAsync(TestIdentity.Token(Leader, ["supervisor"]), ct);
        var pushed = new ConcurrentQueue<JsonElement>();
        leader.On<JsonElement>(IncidentClockWatcher.HubMethod, pushed.Enqueue);
        await leader.InvokeAsync("JoinUser", Leader, ct);
        fixture.CatchUpWithRealTime();
        var feedBefore = await LatestCursorAsync(ct);

        var opened = await http.PostAsJsonAsync("api/incidents/records", new { alertIds = new[] { alertId }, deaths = 3, type = "gas_leak", place = "幸福路 8 号", units = new[] { "城西燃气公司" } }, ct);
        var view = await opened.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = view.GetProperty("incident").GetProperty("incidentId").GetString()!;
        var knownAt = view.GetProperty("incident").GetProperty("knownAt").GetDateTimeOffset();

        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal("larger", view.GetProperty("incident").GetProperty("grade").GetString());
        Assert.Equal("较大", view.GetProperty("gradeLabel").GetString());
        Assert.Contains("死亡 deaths 3 ≥ 3", view.GetProperty("incident").GetProperty("gradeBasis")[0].GetString(), StringComparison.Ordinal);
        Assert.True(view.GetProperty("supervisionMissing").GetBoolean());
        Assert.Equal(["first:county", "first:city", "first:province"], Clocks(view).Select(c => c.GetProperty("key").GetString()!));
        Assert.Equal([knownAt.AddHours(1), knownAt.AddHours(3), knownAt.AddHours(5)], Clocks(view).Select(c => c.GetProperty("due").GetDateTimeOffset()));

        // A quarter of an hour before the county's hour runs out, the leader on duty is told it is about to.
        fixture.Clock.Advance(knownAt.AddMinutes(46) - fixture.Clock.GetUtcNow());
        var warning = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(pushed.Where(n => n.GetProperty("incidentId").GetString() == id).ToArray()), p => p.Length > 0, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(("first:county", "due_soon", Leader),
            (warning[0].GetProperty("clock").GetString(), warning[0].GetProperty("status").GetString(), warning[0].GetProperty("leaderOnDuty").GetString()));

        // The county's hour passes with no report: the watcher marks it late and tells the leader on duty, unasked.
        fixture.Clock.Advance(knownAt.AddMinutes(61) - fixture.Clock.GetUtcNow());
        var history = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/incidents/records/{id}/history", ct),
            h => h.EnumerateArray().Any(e => e.GetProperty("action").GetString() == "clock_missed"), TimeSpan.FromSeconds(30), ct);
        // Other tests' open incidents may be pushed in the same pass: only this one's notices count here.
        var notice = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(pushed.Where(n => n.GetProperty("incidentId").GetString() == id && n.GetProperty("status").GetString() != "due_soon").ToArray()),
            p => p.Length > 0, TimeSpan.FromSeconds(10), ct);
        var overdue = await server.GetJsonAsync($"api/incidents/records/{id}", ct);

        Assert.Equal("first:county", notice[0].GetProperty("clock").GetString());
        Assert.Equal("overdue", notice[0].GetProperty("status").GetString());
        Assert.Equal(Leader, notice[0].GetProperty("leaderOnDuty").GetString());
        Assert.Equal("overdue", Clocks(overdue)[0].GetProperty("status").GetString());
        Assert.True(overdue.GetProperty("late").GetBoolean());
        Assert.Contains(Leader, history.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "clock_missed").GetProperty("note").GetString()
            + string.Join(",", overdue.GetProperty("incident").GetProperty("marks")[0].GetProperty("notified").EnumerateArray().Select(n => n.GetString())), StringComparison.Ordinal);

        var county = await http.PostAsJsonAsync($"api/incidents/records/{id}/reports",
            new { kind = "first", level = "county", to = "西区应急管理局值班室", content = "燃气泄漏爆燃, 死亡 3 人" }, ct);
        var followUp = await http.PostAsJsonAsync($"api/incidents/records/{id}/reports",
            new { kind = "follow_up", level = "county", to = "西区应急管理局值班室", content = "续报: 死亡人数升至 12 人", deaths = 12 }, ct);
        var major = await followUp.Content.ReadFromJsonAsync<JsonElement>(ct);
        var feed = await server.GetJsonAsync($"api/feed?after={feedBefore}&limit=100&types=incident.opened,incident.clock_missed,incident.reported_first,incident.reported_follow_up_regraded", ct);

        Assert.Equal(HttpStatusCode.OK, county.StatusCode);
        Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        Assert.Equal("met_late", Clocks(major)[0].GetProperty("status").GetString());
        Assert.True(major.GetProperty("late").GetBoolean());
        Assert.Equal("major", major.GetProperty("incident").GetProperty("grade").GetString());
        Assert.Equal(["first:county", "first:city", "first:province", "first:state_council"], Clocks(major).Select(c => c.GetProperty("key").GetString()!));
        Assert.Equal("state_council", major.GetProperty("incident").GetProperty("requiredLevels")[3].GetProperty("level").GetString());
        // Each level above the county is due 2 h after the one below it: the city from the county's (late) report, the
        // province and the state council, added by the re-grade, after that.
        var firstReport = major.GetProperty("incident").GetProperty("reports")[0];
        var reportedAt = firstReport.GetProperty("at").GetDateTimeOffset();
        Assert.Equal(("first", "county", TestIdentity.DefaultName, "西区应急管理局值班室", "燃气泄漏爆燃, 死亡 3 人"),
            (firstReport.GetProperty("kind").GetString(), firstReport.GetProperty("level").GetString(), firstReport.GetProperty("reportedBy").GetString(),
                firstReport.GetProperty("reportedTo").GetString(), firstReport.GetProperty("content").GetString()));
        Assert.Equal([reportedAt.AddHours(2), reportedAt.AddHours(4), reportedAt.AddHours(6)], Clocks(major).Skip(1).Select(c => c.GetProperty("due").GetDateTimeOffset()));

        // Through to closure: the final report, 结案 naming the supervising body a major incident needs, and the review
        // of how the lessons were put into practice, due within a year of the closure.
        var final = await http.PostAsJsonAsync($"api/incidents/records/{id}/reports", new { kind = "final", level = "county", to = "西区应急管理局值班室", content = "终报" }, ct);
        var unsupervised = await http.PostAsJsonAsync($"api/incidents/records/{id}/close", new { note = "调查报告已批复" }, ct);
        var closed = await (await http.PostAsJsonAsync($"api/incidents/records/{id}/close", new { note = "调查报告已批复", supervisingBody = "国务院安委会办公室" }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var reviewed = await (await http.PostAsJsonAsync($"api/incidents/records/{id}/review", new { note = "整改措施已落实" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unsupervised.StatusCode);
        Assert.Equal("closed", closed.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal(closed.GetProperty("incident").GetProperty("closedAt").GetDateTimeOffset().AddDays(365),
            closed.GetProperty("incident").GetProperty("reviewDueAt").GetDateTimeOffset());
        Assert.False(closed.GetProperty("reviewOverdue").GetBoolean());
        Assert.Equal("reviewed", reviewed.GetProperty("incident").GetProperty("status").GetString());
        var cap = await http.GetStringAsync($"api/feed/cap?after={feedBefore}", ct);
        Assert.Contains($"rm-incident-{id}", cap, StringComparison.Ordinal);
        Assert.Contains("[重大]", cap, StringComparison.Ordinal);
        Assert.Equal(["incident.opened", "incident.clock_missed", "incident.reported_first", "incident.reported_follow_up_regraded"],
            feed.GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("payload").GetProperty("incident").GetProperty("incidentId").GetString() == id)
                .Select(e => e.GetProperty("type").GetString()!));
    }

    [Fact]
    public async Task Negative_or_non_numeric_casualties_and_a_report_to_a_level_off_the_ladder_are_problem_details_and_store_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = fixture.Server.Http;
        var before = (await fixture.Server.GetJsonAsync("api/incidents/records", ct)).GetArrayLength();

        var negative = await http.PostAsJsonAsync("api/incidents/records", new { title = "管道破裂", type = "gas_leak", deaths = -1 }, ct);
        var notANumber = await http.PostAsync("api/incidents/records",
            new StringContent("""{"title":"管道破裂","type":"gas_leak","deaths":"three"}""", Encoding.UTF8, "application/json"), ct);
        var afterBad = (await fixture.Server.GetJsonAsync("api/incidents/records", ct)).GetArrayLength();
        var opened = await (await http.PostAsJsonAsync("api/incidents/records", new { title = "阀门井燃气泄漏", type = "gas_leak", deaths = 1 }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = opened.GetProperty("incident").GetProperty("incidentId").GetString()!;
        var offLadder = await http.PostAsJsonAsync($"api/incidents/records/{id}/reports", new { kind = "first", level = "province", to = "省应急管理厅", content = "首报" }, ct);
        var noSuchLevel = await http.PostAsJsonAsync($"api/incidents/records/{id}/reports", new { kind = "first", level = "township", to = "乡政府", content = "首报" }, ct);
        var negativeFigures = await http.PostAsJsonAsync($"api/incidents/records/{id}/figures", new { seriouslyInjured = -3 }, ct);
        var textFigures = await http.PostAsync($"api/incidents/records/{id}/reports", new StringContent(
            """{"kind":"first","level":"county","to":"县应急管理局","content":"首报","deaths":"两人"}""", Encoding.UTF8, "application/json"), ct);
        var unknownLink = await http.PostAsJsonAsync($"api/incidents/records/{id}/links", new { hazardIds = new[] { "HZ-00000000-NONE" }, units = new[] { "城西燃气公司" } }, ct);
        var history = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/history", ct);

        foreach (var refused in new[] { negative, notANumber, offLadder, noSuchLevel, negativeFigures, textFigures, unknownLink })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains("Level", await offLadder.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Contains("HZ-00000000-NONE", await unknownLink.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(before, afterBad);
        Assert.Equal(["opened"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
    }

    [Fact]
    public async Task Evidence_on_an_incident_is_size_and_type_checked_stores_nothing_when_refused_and_is_served_only_to_those_who_may_read_it()
    {
        var ct = TestContext.Current.CancellationToken;
        fixture.CatchUpWithRealTime();
        using var operatorClient = fixture.Server.As("li.wei", ["operator"]);
        var opened = await operatorClient.PostAsJsonAsync("api/incidents/records", new { title = "调压站爆燃", type = "gas_leak", regionId = "d-west", deaths = 1 }, ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("incident").GetProperty("incidentId").GetString()!;
        var pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();
        var tooLarge = new byte[IncidentServerFixture.EvidenceMaxBytes + 1];
        pdf.CopyTo(tooLarge, 0);

        using var large = await operatorClient.PostAsync($"api/incidents/records/{id}/evidence?fileName=scan.pdf", Bytes(tooLarge, "application/pdf"), ct);
        using var script = await operatorClient.PostAsync($"api/incidents/records/{id}/evidence?fileName=photo.png",
            Bytes("<svg onload=alert(1)></svg>"u8.ToArray(), "image/png"), ct);
        using var unknown = await operatorClient.PostAsync("api/incidents/records/inc-none/evidence?fileName=scan.pdf", Bytes(pdf, "application/pdf"), ct);
        var listBefore = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/evidence", ct);
        var historyBefore = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/history", ct);
        using var good = await operatorClient.PostAsync($"api/incidents/records/{id}/evidence?fileName=现场勘查记录.pdf", Bytes(pdf, "application/octet-stream"), ct);
        var stored = await good.Content.ReadFromJsonAsync<JsonElement>(ct);
        var evidenceId = stored.GetProperty("evidenceId").GetString()!;
        using var viewer = TestIdentity.Client(fixture.Server.BaseUrl, "wall", ["viewer"]);
        using var download = await viewer.GetAsync($"api/incidents/records/{id}/evidence/{evidenceId}", ct);
        using var otherDistrict = TestIdentity.Client(fixture.Server.BaseUrl, "网格员.东", ["operator"], ["d-east"]);
        using var outsiderFile = await otherDistrict.GetAsync($"api/incidents/records/{id}/evidence/{evidenceId}", ct);
        using var outsiderList = await otherDistrict.GetAsync($"api/incidents/records/{id}/evidence", ct);
        using var outsiderUpload = await otherDistrict.PostAsync($"api/incidents/records/{id}/evidence?fileName=x.pdf", Bytes(pdf, "application/pdf"), ct);
        // Hazards and units link to the incident too (the hazard must exist: see the bad-input test).
        using var hazard = await operatorClient.PostAsJsonAsync("api/hazards", new { description = "调压站防爆墙开裂", regionId = "d-west" }, ct);
        var hazardId = (await hazard.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString()!;
        using var linked = await operatorClient.PostAsJsonAsync($"api/incidents/records/{id}/links", new { hazardIds = new[] { hazardId }, units = new[] { "城西燃气公司" } }, ct);
        var linkedIncident = (await linked.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("incident");
        var history = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/history", ct);
        var listAfter = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/evidence", ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, script.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.All(new[] { large, script, unknown }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal(0, listBefore.GetArrayLength());
        Assert.Equal(["opened"], historyBefore.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal(("pdf", "现场勘查记录.pdf", "incident"), (stored.GetProperty("kind").GetString(), stored.GetProperty("fileName").GetString(), stored.GetProperty("recordKind").GetString()));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], new[] { outsiderFile.StatusCode, outsiderList.StatusCode, outsiderUpload.StatusCode });
        Assert.Equal(evidenceId, Assert.Single(listAfter.EnumerateArray()).GetProperty("evidenceId").GetString());
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal([hazardId], linkedIncident.GetProperty("hazardIds").EnumerateArray().Select(h => h.GetString()!));
        Assert.Equal(["城西燃气公司"], linkedIncident.GetProperty("units").EnumerateArray().Select(u => u.GetString()!));
        Assert.Equal(["opened", "evidence_attached", "linked"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        Assert.Contains(stored.GetProperty("sha256").GetString()!, history[1].GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal("li.wei", history[1].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task An_exercise_incident_is_marked_everywhere_goes_out_as_cap_exercise_leaves_the_feed_unchanged_and_has_its_drill_report()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = fixture.Server.Http;
        var alertId = await RaiseGasLeakAsync("gp-t-002", ct);
        var feedBefore = await LatestCursorAsync(ct);
        await fixture.Server.As("li.wei", ["operator"]).PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei" }, ct);
        await fixture.Server.As("wang.qiang", ["operator"]).PostAsJsonAsync($"api/alerts/{alertId}/start", new { actor = "wang.qiang" }, ct);
        fixture.CatchUpWithRealTime();

        var opened = await (await http.PostAsJsonAsync("api/incidents/records",
                new { title = "演练: 调压站泄漏", type = "gas_leak", deaths = 4, exercise = true, alertIds = new[] { alertId } }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = opened.GetProperty("incident").GetProperty("incidentId").GetString()!;
        await fixture.Server.As("zhao.lin", ["operator"]).PostAsJsonAsync($"api/incidents/records/{id}/reports",
            new { kind = "first", level = "county", to = "演练导调组", content = "首报(演练)" }, ct);
        var cap = await http.GetStringAsync($"api/incidents/records/{id}/cap", ct);
        var report = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/response", ct);

        Assert.True(opened.GetProperty("exercise").GetBoolean());
        Assert.True(report.GetProperty("exercise").GetBoolean());
        Assert.Equal([("acknowledged", "li.wei"), ("on_site", "wang.qiang"), ("reported", "zhao.lin")],
            report.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("act").GetString()!, s.GetProperty("who").GetString()!)));
        Assert.All(report.GetProperty("steps").EnumerateArray(), s => Assert.True(TimeSpan.Parse(s.GetProperty("after").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.Zero));
        Assert.Contains("<status>Exercise</status>", cap, StringComparison.Ordinal);
        Assert.Contains("【演练】", cap, StringComparison.Ordinal);
        // Alerts of the other tests may still add alert events; no incident event of the drill may appear.
        var incidentEvents = await fixture.Server.GetJsonAsync($"api/feed?after={feedBefore}&limit=100&types=incident.opened,incident.reported_first", ct);
        Assert.Equal(0, incidentEvents.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task The_current_grouping_of_two_neighbouring_leaks_is_promoted_into_one_incident_and_each_alert_ledger_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await RaiseGasLeakAsync("gp-t-003", ct);
        var second = await RaiseGasLeakAsync("gp-t-004", ct);
        fixture.CatchUpWithRealTime();
        var groups = await fixture.Server.GetJsonAsync("api/incidents?minAlerts=2", ct);
        var group = groups.EnumerateArray().Single(g => g.GetProperty("alertIds").EnumerateArray().Any(a => a.GetString() == second));

        var promoted = await fixture.Server.Http.PostAsJsonAsync("api/incidents/records", new { groupId = group.GetProperty("incidentId").GetString(), deaths = 0 }, ct);
        var incident = (await promoted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("incident");
        var ledger = await fixture.Server.GetJsonAsync($"api/alerts/{first}/history", ct);

        Assert.Equal(HttpStatusCode.Created, promoted.StatusCode);
        Assert.Subset(incident.GetProperty("alertIds").EnumerateArray().Select(a => a.GetString()!).ToHashSet(), new HashSet<string> { first, second });
        Assert.Equal("general", incident.GetProperty("grade").GetString());
        Assert.Contains(ledger.EnumerateArray(), e => e.GetProperty("action").GetString() == "incident_opened"
            && e.GetProperty("note").GetString() == $"incident {incident.GetProperty("incidentId").GetString()}");
    }

    private static ByteArrayContent Bytes(byte[] content, string type)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return body;
    }

    private static JsonElement[] Clocks(JsonElement view) => [.. view.GetProperty("clocks").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "first")];

    private async Task<long> LatestCursorAsync(CancellationToken ct)
    {
        var feed = await fixture.Server.GetJsonAsync("api/feed?after=0&limit=1000", ct);
        return feed.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("cursor").GetInt64()).DefaultIfEmpty(0).Max();
    }

    private Task AddShiftAsync(CancellationToken ct) => DutyRoster.PutOnDutyAsync(fixture.Server.Http, ct, Leader);

    private async Task<string> RaiseGasLeakAsync(string asset, CancellationToken ct)
    {
        using (var mqtt = await fixture.Server.ConnectMqttAsync("incident-" + asset, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 75)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => fixture.Server.GetJsonAsync($"api/alerts?assetId={asset}", ct),
            a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(20), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
    }
}
