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

    public async ValueTask InitializeAsync() =>
        Server = await OwnServer.StartAsync(new Dictionary<string, string?>(), TestContext.Current.CancellationToken,
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

        // The county's hour passes with no report: the watcher marks it late and tells the leader on duty, unasked.
        fixture.Clock.Advance(knownAt.AddMinutes(61) - fixture.Clock.GetUtcNow());
        var history = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/incidents/records/{id}/history", ct),
            h => h.EnumerateArray().Any(e => e.GetProperty("action").GetString() == "clock_missed"), TimeSpan.FromSeconds(30), ct);
        // Other tests' open incidents may be pushed in the same pass: only this one's notices count here.
        var notice = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(pushed.Where(n => n.GetProperty("incidentId").GetString() == id).ToArray()), p => p.Length > 0, TimeSpan.FromSeconds(10), ct);
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
        var history = await fixture.Server.GetJsonAsync($"api/incidents/records/{id}/history", ct);

        foreach (var refused in new[] { negative, notANumber, offLadder, noSuchLevel, negativeFigures })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains("Level", await offLadder.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(before, afterBad);
        Assert.Equal(["opened"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
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
