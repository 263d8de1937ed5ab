using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MQTTnet;
using RiskMonitor.Server.Tests.Rules;
using static RiskMonitor.Server.Tests.Platform.Orleans.ClusterEndToEndTests;

namespace RiskMonitor.Server.Tests.Platform.Orleans;

/// <summary>
/// A rule change made on one silo is in force on the other within its poll and changes the next alert of assets living
/// on either (decision 0043): two silos in one cluster (membership in PostgreSQL), readings through a shared Mosquitto.
/// </summary>
public sealed class RuleChangeOnEveryNodeTests
{
    private static readonly string[] AssetIds = [.. Enumerable.Range(1, 10).Select(i => $"gp-t-{i:000}")];

    [Fact]
    public async Task A_rule_changed_on_one_silo_changes_the_next_alert_on_both()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(ct);
        var registry = TestCity.GeoJson(AssetIds.Length);
        await using var siloA = await OwnServer.StartSiloAsync(backends.Influx, backends.Postgres, SiloSettings("silo-a", backends.Mosquitto, backends.Redis), registry, ct);
        await using var siloB = await OwnServer.StartSiloAsync(backends.Influx, backends.Postgres, SiloSettings("silo-b", backends.Mosquitto, backends.Redis), registry, ct);
        Assert.Equal(2, await ServerFixture.EventuallyAsync(() => ActiveSilosAsync(backends.Postgres, ct), n => n == 2, TimeSpan.FromSeconds(90), ct));
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", backends.Mosquitto.Port).WithClientId("gateway").Build(), ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        // Ten assets running on whichever silo placement chose (both, but for a 1-in-512 draw) before the change.
        foreach (var asset in AssetIds)
        {
            await PublishMethaneAsync(publisher, asset, t0, 1, ct);
        }

        // One deadline for all ten. (This wait once looked for a member the asset view never had, so it always ran out
        // and the test still passed: 90 s lost in every run. It now ends when the ten have been heard from.)
        await ServerFixture.EventuallyAsync(async () =>
            {
                var seen = 0;
                foreach (var asset in AssetIds)
                {
                    seen += RuleManagementEndToEndTests.ReadingTaken(await siloB.GetJsonAsync($"api/assets/{asset}", ct)) ? 1 : 0;
                }

                return seen;
            },
            seen => seen == AssetIds.Length, TimeSpan.FromSeconds(90), ct);

        var current = (await siloA.GetJsonAsync("api/rules", ct)).GetProperty("current");
        var version = current.GetProperty("version").GetInt64();
        var document = JsonNode.Parse(current.GetProperty("document").GetString()!, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        document["kinds"]!["gas_pipeline"]!["thresholds"]!.AsArray().Single(t => t!["ruleId"]!.GetValue<string>() == "ch4_lel.high")!["levels"] =
            new JsonObject { ["blue"] = 5, ["yellow"] = 10, ["orange"] = 15, ["red"] = 20 };

        var changed = await siloA.Http.PutAsJsonAsync("api/rules", new { baseVersion = version, document = document.ToJsonString(), reason = "district lowers red" }, ct);
        var onB = await ServerFixture.EventuallyAsync(() => siloB.GetJsonAsync("api/rules", ct),
            r => r.GetProperty("appliedVersion").GetInt64() == version + 1, TimeSpan.FromSeconds(30), ct);
        foreach (var asset in AssetIds)
        {
            await PublishMethaneAsync(publisher, asset, t0.AddSeconds(5), 30, ct);
        }

        var levels = new Dictionary<string, string?>();
        foreach (var asset in AssetIds)
        {
            var view = await ServerFixture.EventuallyAsync(() => siloA.GetJsonAsync($"api/assets/{asset}", ct),
                a => a.GetProperty("level").GetString() == "red", TimeSpan.FromSeconds(60), ct);
            levels[asset] = view.GetProperty("level").GetString();
        }

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(version + 1, onB.GetProperty("appliedVersion").GetInt64());
        Assert.Equal(version + 1, (await siloA.GetJsonAsync("api/rules", ct)).GetProperty("appliedVersion").GetInt64());
        Assert.All(AssetIds, asset => Assert.Equal("red", levels[asset])); // 30 % LEL: orange under the old rules, red under the new
    }
}
