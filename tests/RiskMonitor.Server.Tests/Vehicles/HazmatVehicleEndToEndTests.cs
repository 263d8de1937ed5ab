using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Server.Tests.Vehicles;

/// <summary>
/// The test registry plus one hazmat tanker whose approved route runs east along latitude 30.20 from lon 120.10 to
/// 120.12, and a school zone 200 m square spanning 200 m to 400 m north of the route around lon 120.11.
/// </summary>
public sealed class HazmatServerFixture : ServerFixture
{
    public const string VehicleId = "hv-t-001";
    public const double RouteLat = 30.20;
    public const double MetresPerDegreeLat = 111_320;

    private readonly string _folder = Directory.CreateTempSubdirectory("riskmonitor-hazmat-").FullName;

    protected override Dictionary<string, string?> Settings()
    {
        var vehicles = Path.Combine(_folder, "vehicles.geojson");
        var zones = Path.Combine(_folder, "restricted-zones.geojson");
        File.WriteAllText(vehicles, JsonSerializer.Serialize(new
        {
            type = "FeatureCollection",
            features = new object[]
            {
                new
                {
                    type = "Feature",
                    geometry = new { type = "LineString", coordinates = new[] { new[] { 120.10, RouteLat }, new[] { 120.12, RouteLat } } },
                    properties = new
                    {
                        id = VehicleId, name = "汽油罐车 浙A1T001", plate = "浙A1T001", cargo = "UN1203", cargoName = "汽油",
                        carrier = "临江危货运输有限公司", driver = new { name = "王建国", phone = "13900000001" },
                    },
                },
            },
        }));
        var south = RouteLat + (200 / MetresPerDegreeLat);
        var north = RouteLat + (400 / MetresPerDegreeLat);
        var halfLon = 100 / (MetresPerDegreeLat * Math.Cos(RouteLat * Math.PI / 180));
        File.WriteAllText(zones, JsonSerializer.Serialize(new
        {
            type = "FeatureCollection",
            features = new object[]
            {
                new
                {
                    type = "Feature",
                    geometry = new
                    {
                        type = "Polygon",
                        coordinates = new[] { new[] { new[] { 120.11 - halfLon, south }, new[] { 120.11 + halfLon, south }, new[] { 120.11 + halfLon, north }, new[] { 120.11 - halfLon, north }, new[] { 120.11 - halfLon, south } } },
                    },
                    properties = new { id = "rz-t-school", name = "测试小学禁行区", kind = "school", level = "red" },
                },
            },
        }));

        var settings = base.Settings();
        settings["Registry:VehiclesPath"] = vehicles;
        settings["Registry:RestrictedZonesPath"] = zones;
        return settings;
    }
}

/// <summary>MQTT positions in; geofence alerts out through the board, SignalR and the PostgreSQL ledger.</summary>
public sealed class HazmatVehicleEndToEndTests(HazmatServerFixture server) : IClassFixture<HazmatServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Leaving_the_route_and_entering_a_school_zone_raise_alerts_that_clear_back_on_the_route()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("e2e-hazmat", ct);
        var raised = new ConcurrentQueue<JsonElement>();
        await using var hub = await server.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertRaised", alert => raised.Enqueue(alert));
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const string Topic = $"rm/v1/{HazmatServerFixture.VehicleId}/position";

        // On the route: seen, no alert.
        await ServerFixture.PublishAsync(mqtt, Topic, Fix(ts, 120.105, 20), ct);
        var seen = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/assets/{HazmatServerFixture.VehicleId}", ct), a => a.GetProperty("latest").TryGetProperty("lon", out _), Patience, ct);
        Assert.Equal(120.105, seen.GetProperty("latest").GetProperty("lon").GetProperty("value").GetDouble(), 6);
        Assert.Equal(0, (await Alerts(ct)).GetProperty("total").GetInt32());

        // 800 m south of the route: orange off-route alert.
        await ServerFixture.PublishAsync(mqtt, Topic, Fix(ts + 1000, 120.105, -800), ct);
        var offRoute = await ActiveAlertAsync("geofence.off_route", ct);
        Assert.Equal("orange", offRoute.GetProperty("severity").GetString());
        Assert.Equal(800, offRoute.GetProperty("value").GetDouble(), 0);

        // Into the school zone (300 m north, within the corridor): red zone alert, and the off-route alert clears.
        await ServerFixture.PublishAsync(mqtt, Topic, Fix(ts + 2000, 120.11, 300), ct);
        var zone = await ActiveAlertAsync("geofence.restricted_zone", ct);
        Assert.Equal("red", zone.GetProperty("severity").GetString());
        Assert.Contains("测试小学禁行区", zone.GetProperty("message").GetString(), StringComparison.Ordinal);
        var cleared = await ServerFixture.EventuallyAsync(
            () => Alerts(ct), a => Rule(a, "geofence.off_route") is { } r && !r.GetProperty("conditionActive").GetBoolean(), Patience, ct);
        Assert.False(Rule(cleared, "geofence.off_route")!.Value.GetProperty("conditionActive").GetBoolean());

        // Back on the route: the zone alert clears too; both stay on the board until someone closes them.
        await ServerFixture.PublishAsync(mqtt, Topic, Fix(ts + 3000, 120.115, 0), ct);
        var back = await ServerFixture.EventuallyAsync(
            () => Alerts(ct), a => Rule(a, "geofence.restricted_zone") is { } r && !r.GetProperty("conditionActive").GetBoolean(), Patience, ct);
        Assert.False(Rule(back, "geofence.restricted_zone")!.Value.GetProperty("conditionActive").GetBoolean());

        var zoneId = zone.GetProperty("alertId").GetString()!;
        var history = await server.GetJsonAsync($"api/alerts/{zoneId}/history", ct);
        Assert.Equal(["raised", "condition_cleared"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        await ServerFixture.EventuallyAsync(() => Task.FromResult(raised.ToArray()), r => r.Length >= 2, Patience, ct);
        Assert.Equal(
            ["geofence.off_route", "geofence.restricted_zone"],
            raised.Where(a => a.GetProperty("assetId").GetString() == HazmatServerFixture.VehicleId).Select(a => a.GetProperty("ruleId").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_position_from_an_asset_that_is_not_a_vehicle_or_a_bad_fix_is_counted_and_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("e2e-hazmat-bad", ct);
        var before = await server.GetJsonAsync("api/ingest/stats", ct);

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/position", """{"lon": 120.1, "lat": 30.2}""", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{HazmatServerFixture.VehicleId}/position", """{"lon": 320.1, "lat": 30.2}""", ct);

        var after = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/ingest/stats", ct),
            s => Rejected(s, "unsupported_channel") > Rejected(before, "unsupported_channel") && Rejected(s, "invalid_position") > Rejected(before, "invalid_position"),
            Patience, ct);
        Assert.Equal(Rejected(before, "unsupported_channel") + 1, Rejected(after, "unsupported_channel"));
        Assert.Equal(Rejected(before, "invalid_position") + 1, Rejected(after, "invalid_position"));
    }

    private static string Fix(long ts, double lon, double metresNorth) => JsonSerializer.Serialize(new
    {
        ts,
        lon,
        lat = HazmatServerFixture.RouteLat + (metresNorth / HazmatServerFixture.MetresPerDegreeLat),
        speedKmh = 40,
        cargo = "UN1203",
    });

    private Task<JsonElement> Alerts(CancellationToken ct) => server.GetJsonAsync($"api/alerts?assetId={HazmatServerFixture.VehicleId}", ct);

    private async Task<JsonElement> ActiveAlertAsync(string ruleId, CancellationToken ct)
    {
        var page = await ServerFixture.EventuallyAsync(
            () => Alerts(ct), a => Rule(a, ruleId) is { } r && r.GetProperty("conditionActive").GetBoolean(), Patience, ct);
        var alert = Rule(page, ruleId);
        Assert.NotNull(alert);
        Assert.True(alert.Value.GetProperty("conditionActive").GetBoolean());
        return alert.Value;
    }

    private static JsonElement? Rule(JsonElement page, string ruleId)
    {
        foreach (var alert in page.GetProperty("items").EnumerateArray())
        {
            if (alert.GetProperty("ruleId").GetString() == ruleId)
            {
                return alert;
            }
        }

        return null;
    }

    private static long Rejected(JsonElement stats, string reason) =>
        stats.GetProperty("ingestion").GetProperty("rejectedByReason").GetProperty(reason).GetInt64();
}
