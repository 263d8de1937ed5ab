using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>The hidden-hazard ledger and the regulatory clocks over REST, on PostgreSQL.</summary>
public sealed class HazardAndClockEndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_tip_line_hazard_is_assigned_rectified_and_verified_with_every_step_in_its_ledger()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = server.Http;
        var intake = await http.PostAsJsonAsync("api/hazards/tip-line", new { description = "小区燃气表箱锈蚀漏气", location = "幸福路 8 号", contact = "138****0000", regionId = "d-east", industry = "gas" }, ct);
        var receipt = await intake.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = receipt.GetProperty("hazardId").GetString()!;
        var hazard = await server.GetJsonAsync($"api/hazards/{id}", ct);

        var tooEarly = await http.PostAsJsonAsync($"api/hazards/{id}/verify", new { actor = "zhang.min", note = "looks fine" }, ct);
        var noDeadline = await http.PostAsJsonAsync($"api/hazards/{id}/assign", new { actor = "zhang.min", responsibleUnit = "城东燃气公司" }, ct);
        var assign = await http.PostAsJsonAsync($"api/hazards/{id}/assign", new { actor = "zhang.min", responsibleUnit = "城东燃气公司", deadline = DateTimeOffset.UtcNow.AddDays(3) }, ct);
        var start = await http.PostAsJsonAsync($"api/hazards/{id}/start", new { actor = "城东燃气公司" }, ct);
        // Four of the five elements (五到位) first: the sign-off is refused, naming the one missing, until the plan is complete.
        var plan = await http.PostAsJsonAsync($"api/hazards/{id}/plan",
            new { measures = "更换表箱", responsiblePerson = "城东燃气公司 王工", fundsYuan = 800, completeBy = DateTimeOffset.UtcNow.AddDays(2) }, ct);
        var rectified = await http.PostAsJsonAsync($"api/hazards/{id}/rectified", new { actor = "城东燃气公司", note = "表箱更换" }, ct);
        var incomplete = await http.PostAsJsonAsync($"api/hazards/{id}/verify", new { actor = "zhang.min", note = "现场复核无泄漏，销号" }, ct);
        var contingency = await http.PostAsJsonAsync($"api/hazards/{id}/plan", new { contingencyPlan = "更换前关闭表前阀" }, ct);
        var verify = await http.PostAsJsonAsync($"api/hazards/{id}/verify", new { actor = "zhang.min", note = "现场复核无泄漏，销号" }, ct);
        var history = await server.GetJsonAsync($"api/hazards/{id}/history", ct);
        var signedOff = (await server.GetJsonAsync($"api/hazards/{id}", ct)).GetProperty("hazard");
        var verified = await server.GetJsonAsync("api/hazards?status=verified&regionId=d-east", ct);
        var stats = await server.GetJsonAsync("api/hazards/stats", ct);

        Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        Assert.Equal("tip_line", hazard.GetProperty("hazard").GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noDeadline.StatusCode);
        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            new[] { assign.StatusCode, start.StatusCode, plan.StatusCode, rectified.StatusCode, contingency.StatusCode, verify.StatusCode });
        Assert.Equal(HttpStatusCode.Conflict, incomplete.StatusCode);
        var missing = await incomplete.Content.ReadAsStringAsync(ct);
        Assert.Contains("contingencyPlan", missing, StringComparison.Ordinal);
        Assert.DoesNotContain("measures", missing, StringComparison.Ordinal);
        Assert.Equal(["reported", "assigned", "rectifying", "plan_recorded", "rectified", "plan_recorded", "verified"],
            history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        var five = signedOff.GetProperty("plan");
        Assert.Equal(("更换表箱", "城东燃气公司 王工", 800m, "更换前关闭表前阀"),
            (five.GetProperty("measures").GetString(), five.GetProperty("responsiblePerson").GetString(), five.GetProperty("fundsYuan").GetDecimal(),
                five.GetProperty("contingencyPlan").GetString()));
        Assert.Equal(JsonValueKind.String, five.GetProperty("completeBy").ValueKind);
        Assert.Equal("verified", signedOff.GetProperty("status").GetString());
        Assert.Equal("12350", history[0].GetProperty("actor").GetString());
        Assert.Contains(verified.EnumerateArray(), h => h.GetProperty("hazard").GetProperty("hazardId").GetString() == id);
        Assert.True(stats.GetProperty("byStatus").GetProperty("verified").GetInt32() >= 1);
    }

    [Fact]
    public async Task An_alert_gets_reporting_clocks_once_confirmed_and_becomes_a_major_hazard_under_listed_supervision()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = server.Http;
        const string asset = "gp-t-007";
        using (var mqtt = await server.ConnectMqttAsync("clocks", ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 75)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        var before = await server.GetJsonAsync($"api/alerts/{alertId}/clocks", ct);
        using var deprecated = await http.GetAsync($"api/alerts/{alertId}/clocks", ct);
        // Deprecated for the incident's ladder (decision 0042): it still answers, and says so.
        Assert.Equal("@1796515200", Assert.Single(deprecated.Headers.GetValues("Deprecation")));
        Assert.Contains("rel=\"successor-version\"", Assert.Single(deprecated.Headers.GetValues("Link")), StringComparison.Ordinal);
        await http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei" }, ct);
        var badTarget = await http.PostAsJsonAsync($"api/alerts/{alertId}/report", new { actor = "li.wei", to = "the press" }, ct);
        var report = await http.PostAsJsonAsync($"api/alerts/{alertId}/report", new { actor = "li.wei", to = "authority", note = "电话报告市应急管理局值班室" }, ct);
        var clocks = await server.GetJsonAsync($"api/alerts/{alertId}/clocks", ct);
        var convert = await http.PostAsJsonAsync($"api/alerts/{alertId}/hazard", new { actor = "li.wei", level = "major" }, ct);
        var hazard = (await convert.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard");
        var hazardId = hazard.GetProperty("hazardId").GetString()!;
        var unsupervised = await http.PostAsJsonAsync($"api/hazards/{hazardId}/assign", new { actor = "zhang.min", responsibleUnit = "城西燃气公司", deadline = DateTimeOffset.UtcNow.AddDays(5) }, ct);
        var listed = await http.PostAsJsonAsync($"api/hazards/{hazardId}/assign",
            new { actor = "zhang.min", responsibleUnit = "城西燃气公司", deadline = DateTimeOffset.UtcNow.AddDays(5), supervisingDepartment = "市应急管理局" }, ct);
        var ledger = await server.GetJsonAsync($"api/alerts/{alertId}/history", ct);

        Assert.Equal(JsonValueKind.Null, before.GetProperty("confirmedAt").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, badTarget.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, report.StatusCode);
        var authority = clocks.GetProperty("clocks")[0];
        Assert.Equal("authority", authority.GetProperty("target").GetString());
        Assert.Equal("met", authority.GetProperty("status").GetString());
        Assert.Equal("pending", clocks.GetProperty("clocks")[1].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, convert.StatusCode);
        Assert.Equal(alertId, hazard.GetProperty("alertId").GetString());
        Assert.Equal("d-west", hazard.GetProperty("regionId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unsupervised.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.True((await listed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("listedSupervision").GetBoolean());
        Assert.Equal(["raised", "acknowledged", "reported_authority", "hazard_opened"], ledger.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
    }
}
