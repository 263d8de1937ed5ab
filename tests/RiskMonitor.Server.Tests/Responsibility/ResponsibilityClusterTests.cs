using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using RiskMonitor.Server.Tests.Platform.Orleans;

namespace RiskMonitor.Server.Tests.Responsibility;

/// <summary>
/// The live registry in a cluster (issue 20): two silos on one PostgreSQL, a change of an asset's owner unit made over
/// either node is what the next alert of that asset is routed by, whichever node raises it.
/// </summary>
public sealed class ResponsibilityClusterTests
{
    private const int Assets = 12;

    [Fact]
    public async Task A_gas_alert_on_an_asset_changed_over_either_node_a_moment_before_routes_by_the_new_owner_on_every_node()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await ClusterEndToEndTests.Backends.StartAsync(ct);
        var seed = Path.Combine(Directory.CreateTempSubdirectory("riskmonitor-cluster-responsibility-").FullName, "responsibility.json");
        await File.WriteAllTextAsync(seed, ResponsibilityFixture.SeedJson(), ct);
        Dictionary<string, string?> Settings(string clientId) => new(ClusterEndToEndTests.SiloSettings(clientId, backends.Mosquitto, backends.Redis))
        {
            ["Responsibility:SeedPath"] = seed,
        };

        var registry = TestCity.GeoJson(Assets);
        await using var siloA = await OwnServer.StartSiloAsync(backends.Influx, backends.Postgres, Settings("silo-a"), registry, ct, TestCity.Regions());
        await using var siloB = await OwnServer.StartSiloAsync(backends.Influx, backends.Postgres, Settings("silo-b"), registry, ct, TestCity.Regions());
        Assert.Equal(2, await ServerFixture.EventuallyAsync(() => ClusterEndToEndTests.ActiveSilosAsync(backends.Postgres, ct), n => n == 2, TimeSpan.FromSeconds(90), ct));
        foreach (var silo in new[] { siloA, siloB })
        {
            var ready = await ServerFixture.EventuallyAsync(() => silo.Http.GetAsync("health/ready", ct), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90), ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var gateway = new MqttClientFactory().CreateMqttClient();
        await gateway.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", backends.Mosquitto.Port).WithClientId("gas-gateway").Build(), ct);

        // Each asset's owner moves from ou-2 (or none) to ou-1 through one node or the other, and it goes red at once after.
        var assets = Enumerable.Range(1, Assets).Select(i => $"gp-t-{i:000}").ToList();
        for (var i = 0; i < assets.Count; i++)
        {
            var (writer, _) = i % 2 == 0 ? (siloA, siloB) : (siloB, siloA);
            var current = await writer.Http.GetAsync($"api/assets/{assets[i]}/parties", ct);
            int? version = current.IsSuccessStatusCode ? (await current.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("version").GetInt32() : null;
            var changed = await writer.Http.PutAsJsonAsync($"api/assets/{assets[i]}/parties", new { ownerUnitId = "ou-1", regulatorId = "reg-gas", version }, ct);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            await ClusterEndToEndTests.PublishMethaneAsync(gateway, assets[i], DateTimeOffset.UtcNow, 66, ct);
        }

        // Every alert was routed to ou-1, and both nodes say so.
        foreach (var asset in assets)
        {
            var alertId = await AlertIdAsync(backends.Postgres, asset, ct);
            foreach (var node in new[] { siloA, siloB })
            {
                var response = await ServerFixture.EventuallyAsync(
                    () => node.Http.GetAsync($"api/alerts/{Uri.EscapeDataString(alertId)}/parties", ct), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), ct);
                var routed = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                Assert.Equal(["ou-1", "reg-gas"], routed.GetProperty("duties").EnumerateArray().Select(d => d.GetProperty("organisationId").GetString()));
            }
        }

        // Which node raised (and so routed: a party case lives on the silo that raised its alert) is the broker's and
        // Orleans' placement's choice, not the test's: one full run had all twelve on one silo. The routing above is
        // asserted on both nodes either way; the split is reported, not asserted.
        var raised = (await ClusterEndToEndTests.RaisedRedAsync(siloA, ct), await ClusterEndToEndTests.RaisedRedAsync(siloB, ct));
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture, $"red alerts raised: silo A {raised.Item1}, silo B {raised.Item2}"));
        Assert.Equal(Assets, raised.Item1 + raised.Item2);
    }

    private static async Task<string> AlertIdAsync(TestSupport.PostgresProcess postgres, string asset, CancellationToken ct)
    {
        async Task<string?> FindAsync()
        {
            await using var connection = new Npgsql.NpgsqlConnection(postgres.ConnectionString(ServerFixture.Database));
            await connection.OpenAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand("SELECT alert_id FROM alerts WHERE asset_id = @asset AND rule_id = 'ch4_lel.high'", connection);
            command.Parameters.AddWithValue("asset", asset);
            return await command.ExecuteScalarAsync(ct) as string;
        }

        var id = await ServerFixture.EventuallyAsync(FindAsync, a => a is not null, TimeSpan.FromSeconds(60), ct);
        Assert.NotNull(id);
        return id;
    }
}
