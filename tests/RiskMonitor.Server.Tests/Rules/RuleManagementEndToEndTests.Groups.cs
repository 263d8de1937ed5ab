using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RiskMonitor.Server.Tests.Rules;

/// <summary>Detector groups (decision 0050) on the real server: k of n before red, drift against the neighbours.</summary>
public sealed partial class RuleManagementEndToEndTests
{
    [Fact]
    public async Task A_detector_group_holds_one_detector_below_red_flags_its_drift_and_goes_red_when_a_second_agrees()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        using var mqtt = await server.ConnectMqttAsync("rules-groups", ct);
        string[] members = ["gp-t-005", "gp-t-006", "gp-t-007"];
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        async Task Methane(string assetId, int second, double value) => await ServerFixture.PublishAsync(
            mqtt, $"rm/v1/{assetId}/telemetry", ServerFixture.Reading(t0.AddSeconds(second).ToUnixTimeMilliseconds(), ("ch4_lel", value)), ct);

        var (baseVersion, document) = await CurrentAsync(supervisor, ct);
        var grouped = Edit(document, root => root["groups"] = new JsonObject
        {
            ["seg-t"] = new JsonObject
            {
                ["metric"] = "ch4_lel",
                ["members"] = new JsonArray([.. members.Select(m => JsonValue.Create(m))]),
                ["corroboration"] = new JsonObject { ["ruleId"] = "ch4_lel.high", ["k"] = 2, ["aloneLevel"] = "orange" },
                ["drift"] = new JsonObject { ["delta"] = 10, ["holdSeconds"] = 0, ["freshSeconds"] = 600 },
            },
        });
        var change = await ReadAsync(await supervisor.PutAsJsonAsync("api/rules", new { baseVersion, document = grouped, reason = "segment seg-t: three detectors" }, ct), ct);
        Assert.Equal(3, change.GetProperty("affectedCount").GetInt32());

        foreach (var member in members)
        {
            await Methane(member, 0, 1);
        }

        await Task.WhenAll(members.Select(m => AssetSeenAsync(m, ct)));

        // One detector at 60 % LEL (red on its own) while its neighbours read 1: orange, and (its next reading judged
        // against theirs) a drift alert on it.
        await Methane("gp-t-005", 5, 60);
        await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/assets/gp-t-005", ct), a => Alert(a, "ch4_lel.high") is not null, TimeSpan.FromSeconds(60), ct);
        await Methane("gp-t-005", 6, 61);
        var alone = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/assets/gp-t-005", ct), a => Alert(a, "sensor.ch4_lel.drift") is not null, TimeSpan.FromSeconds(60), ct);
        var capped = Alert(alone, "ch4_lel.high")!.Value;
        Assert.Equal("orange", capped.GetProperty("level").GetString());
        Assert.Contains("held at Orange", capped.GetProperty("message").GetString(), StringComparison.Ordinal);
        var drift = Alert(alone, "sensor.ch4_lel.drift")!.Value;
        Assert.Equal("blue", drift.GetProperty("level").GetString());
        Assert.Contains("median 1 of 2 neighbours in seg-t", drift.GetProperty("message").GetString(), StringComparison.Ordinal);

        // A second detector agrees: both red; the third, quiet, stays clear.
        await Methane("gp-t-006", 10, 58);
        var first = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/assets/gp-t-005", ct), a => a.GetProperty("level").GetString() == "red", TimeSpan.FromSeconds(60), ct);
        var second = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/assets/gp-t-006", ct), a => a.GetProperty("level").GetString() == "red", TimeSpan.FromSeconds(60), ct);
        var third = await server.GetJsonAsync("api/assets/gp-t-007", ct);

        Assert.Equal("red", Alert(first, "ch4_lel.high")!.Value.GetProperty("level").GetString());
        Assert.Equal("red", Alert(second, "ch4_lel.high")!.Value.GetProperty("level").GetString());
        Assert.Equal("none", third.GetProperty("level").GetString());
    }

    private static JsonElement? Alert(JsonElement asset, string ruleId) =>
        asset.GetProperty("alerts").EnumerateArray().Where(a => a.GetProperty("ruleId").GetString() == ruleId).Select(a => (JsonElement?)a).FirstOrDefault();
}
