using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary>The handler's side of the alert lifecycle over REST: conflicts, refusals and the ledger they leave.</summary>
public sealed class AlertLifecycleEndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Two_operators_acknowledging_at_once_one_wins_the_other_gets_a_conflict_and_the_ledger_has_one_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var alertId = await RaiseAsync("gp-t-009", ct);

        var responses = await Task.WhenAll(
            server.Http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "li.wei" }, ct),
            server.Http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "wang.fang" }, ct));
        var history = await server.GetJsonAsync($"api/alerts/{alertId}/history", ct);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var conflict = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Contains("acknowledged", (await conflict.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Single(history.EnumerateArray(), e => e.GetProperty("action").GetString() == "acknowledged");
    }

    [Fact]
    public async Task Assign_and_comment_need_their_fields_and_land_in_the_ledger_with_the_actor()
    {
        var ct = TestContext.Current.CancellationToken;
        var alertId = await RaiseAsync("gp-t-011", ct);

        var noAssignee = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/assign", new { actor = "li.wei" }, ct);
        var emptyComment = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "li.wei" }, ct);
        var assign = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/assign", new { actor = "li.wei", assignee = "wang.fang", note = "nearest crew" }, ct);
        using var wang = server.As("wang.fang", ["operator"]);
        var comment = await wang.PostAsJsonAsync($"api/alerts/{alertId}/comment", new { actor = "someone.else", note = "on site in 10 min" }, ct);
        var closeOpen = await server.Http.PostAsJsonAsync($"api/alerts/{alertId}/close", new { actor = "zhang.min", note = "?" }, ct);
        var history = await server.GetJsonAsync($"api/alerts/{alertId}/history", ct);
        var unknown = await server.Http.GetAsync("api/alerts/gp-t-011~nope~1/history", ct);

        Assert.Equal(HttpStatusCode.BadRequest, noAssignee.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, emptyComment.StatusCode);
        Assert.Equal("wang.fang", (await assign.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("assignee").GetString());
        Assert.Equal(HttpStatusCode.OK, comment.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, closeOpen.StatusCode);
        Assert.Equal(["raised", "assigned", "commented"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        Assert.Equal("assigned to wang.fang: nearest crew", history[1].GetProperty("note").GetString());
        Assert.Equal("wang.fang", history[2].GetProperty("actor").GetString()); // the signed-in person, whatever the body says
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<string> RaiseAsync(string asset, CancellationToken ct)
    {
        using (var mqtt = await server.ConnectMqttAsync("lifecycle-" + asset, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 66)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
    }
}
