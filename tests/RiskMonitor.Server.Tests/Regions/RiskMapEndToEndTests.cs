using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Server.Tests.Regions;

/// <summary>
/// The server with its own small region file: city t-city, districts t-d1 (lon 120.09..120.11) and t-d2
/// (120.11..120.13), one street and one community each, grids t-g1..t-g4 of 0.01 degrees. A pipeline crosses t-g1
/// and t-g2, an elevator stands in t-g4 and another 110 m from the pipeline in t-g1, and one pipeline lies outside the city.
/// </summary>
public sealed class RiskMapServerFixture : ServerFixture
{
    protected override string AssetsGeoJson() => Assets();

    protected override string? RegionsGeoJson() => Regions();

    private static string Regions()
    {
        var features = new List<object>
        {
            Region("t-city", "city", null, 120.09, 120.13),
            Region("t-d1", "district", "t-city", 120.09, 120.11),
            Region("t-d2", "district", "t-city", 120.11, 120.13),
            Region("t-s1", "street", "t-d1", 120.09, 120.11),
            Region("t-s2", "street", "t-d2", 120.11, 120.13),
            Region("t-c1", "community", "t-s1", 120.09, 120.11),
            Region("t-c2", "community", "t-s2", 120.11, 120.13),
        };
        for (var g = 1; g <= 4; g++)
        {
            features.Add(Region($"t-g{g}", "grid", g <= 2 ? "t-c1" : "t-c2", 120.08 + (g * 0.01), 120.09 + (g * 0.01)));
        }

        return JsonSerializer.Serialize(new { type = "FeatureCollection", features });
    }

    private static object Region(string id, string level, string? parentId, double west, double east) => new
    {
        type = "Feature",
        geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { west, 30.19 }, new[] { east, 30.19 }, new[] { east, 30.22 }, new[] { west, 30.22 }, new[] { west, 30.19 } } } },
        properties = new { id, name = "区域" + id, level, parentId, supervisor = new { name = "网格员" + id, phone = "0571-01234567" } },
    };

    private static string Assets() => JsonSerializer.Serialize(new
    {
        type = "FeatureCollection",
        features = new object[]
        {
            Asset("gp-m-001", "gas_pipeline", "gas", "blue", new { type = "LineString", coordinates = new[] { new[] { 120.095, 30.205 }, new[] { 120.105, 30.205 } } }),
            Asset("el-m-001", "elevator", "special_equipment", "yellow", new { type = "Point", coordinates = new[] { 120.125, 30.205 } }),
            Asset("el-m-002", "elevator", "special_equipment", "blue", new { type = "Point", coordinates = new[] { 120.0955, 30.206 } }),
            Asset("gp-m-out", "gas_pipeline", "gas", "blue", new { type = "LineString", coordinates = new[] { new[] { 120.5, 30.5 }, new[] { 120.51, 30.5 } } }),
        },
    });

    private static object Asset(string id, string kind, string industry, string inherentLevel, object geometry) => new
    {
        type = "Feature",
        geometry,
        properties = new { id, kind, name = "测试" + id, industry, inherentLevel, reportingIntervalSeconds = 60 },
    };
}

/// <summary>MQTT in; the four-colour map out through REST (GeoJSON) and SignalR <c>regionChanged</c>.</summary>
public sealed class RiskMapEndToEndTests(RiskMapServerFixture server) : IClassFixture<RiskMapServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_red_reading_over_mqtt_turns_its_grids_and_their_ancestors_red_on_rest_and_signalr()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("e2e-map", ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Start from a quiet pipeline whatever ran before (the incident test leaves it red).
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry", ServerFixture.Reading(now, ("ch4_lel", 0.5)), ct);
        var quiet = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/regions/t-g2", ct), g => g.GetProperty("colour").GetString() == "blue", Patience, ct);
        Assert.Equal("blue", quiet.GetProperty("colour").GetString());

        var changes = new ConcurrentQueue<JsonElement>();
        await using var hub = await server.ConnectHubAsync(ct);
        hub.On<JsonElement>("regionChanged", region => changes.Enqueue(region));
        foreach (var region in new[] { "t-g1", "t-g2", "t-c1", "t-s1", "t-d1", "t-city" })
        {
            await hub.InvokeAsync("JoinRegion", region, ct);
        }

        var everything = new ConcurrentQueue<JsonElement>();
        await using var wall = await server.ConnectHubAsync(ct);
        wall.On<JsonElement>("regionChanged", region => everything.Enqueue(region));
        await wall.InvokeAsync("JoinRegion", "*", ct);

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry", ServerFixture.Reading(now + 1, ("ch4_lel", 80)), ct);

        var city = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/regions/t-city", ct), c => GasRed(c) == 1, Patience, ct);
        await ServerFixture.EventuallyAsync(
            () => Task.FromResult(changes.ToArray()), c => c.Count(r => Colour(r) == "red") >= 6, Patience, ct);

        Assert.Equal("red", city.GetProperty("colour").GetString());
        Assert.Equal("yellow", city.GetProperty("inherentColour").GetString());
        Assert.Equal(1, GasRed(city));
        Assert.Equal(4, city.GetProperty("dynamic").GetProperty("counts").GetProperty("total").GetInt32()); // incl. the unassigned pipeline
        var children = city.GetProperty("children").EnumerateArray().ToDictionary(c => c.GetProperty("regionId").GetString()!, Colour);
        Assert.Equal("red", children["t-d1"]);
        Assert.Equal("yellow", children["t-d2"]);
        Assert.Equal("blue", children["unassigned"]);

        var pushed = changes.ToArray().Where(r => Colour(r) == "red").Select(r => r.GetProperty("regionId").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "t-g1", "t-g2", "t-c1", "t-s1", "t-d1", "t-city" }, pushed);
        Assert.DoesNotContain(changes, r => r.GetProperty("regionId").GetString() is "t-d2" or "t-g4"); // not joined, not sent

        await ServerFixture.EventuallyAsync(
            () => Task.FromResult(everything.ToArray()), c => c.Any(r => r.GetProperty("regionId").GetString() == "t-g2"), Patience, ct);
        Assert.Contains(everything, r => r.GetProperty("regionId").GetString() == "t-city" && Colour(r) == "red");

        var grids = await GeoJsonColoursAsync("api/map/regions?level=grid", ct);
        Assert.Equal(new Dictionary<string, string?> { ["t-g1"] = "red", ["t-g2"] = "red", ["t-g3"] = null, ["t-g4"] = "yellow" }, grids);
        var inherent = await GeoJsonColoursAsync("api/map/regions?level=grid&layer=inherent", ct);
        Assert.Equal("blue", inherent["t-g1"]);
        var elevators = await GeoJsonColoursAsync("api/map/regions?level=district&industry=special_equipment", ct);
        Assert.Equal("yellow", elevators["t-d2"]); // the elevator industry alone: t-d2's yellow elevator, not t-d1's red pipeline

        var assets = await server.GetJsonAsync("api/map/assets?regionId=t-d1&kind=gas_pipeline", ct);
        var pipeline = Assert.Single(assets.GetProperty("features").EnumerateArray());
        Assert.Equal("gp-m-001", pipeline.GetProperty("id").GetString());
        Assert.Equal("LineString", pipeline.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal("red", pipeline.GetProperty("properties").GetProperty("colour").GetString());
        Assert.Equal(["t-g1", "t-g2"], pipeline.GetProperty("properties").GetProperty("grids").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task A_leak_and_an_entrapment_110_m_apart_are_grouped_into_one_incident()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("e2e-incident", ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry", ServerFixture.Reading(now, ("ch4_lel", 80)), ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/el-m-002/event",
            JsonSerializer.Serialize(new { ts = now, code = "entrapment", active = true }), ct);

        var incidents = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/incidents?minAlerts=2", ct), i => i.GetArrayLength() == 1, Patience, ct);
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal(["el-m-002", "gp-m-001"], incident.GetProperty("assetIds").EnumerateArray().Select(a => a.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("red", incident.GetProperty("severity").GetString());
        var apart = await server.GetJsonAsync("api/incidents?minAlerts=2&distanceM=50", ct);
        Assert.Equal(0, apart.GetArrayLength());
    }

    [Fact]
    public async Task Assets_outside_every_grid_are_listed_not_dropped()
    {
        var ct = TestContext.Current.CancellationToken;

        var unassigned = await server.GetJsonAsync("api/map/unassigned", ct);
        var asset = await server.GetJsonAsync("api/assets/gp-m-out", ct);

        var outside = Assert.Single(unassigned.GetProperty("outsideEveryGrid").EnumerateArray());
        Assert.Equal("gp-m-out", outside.GetProperty("assetId").GetString());
        Assert.Equal("unassigned", asset.GetProperty("regionId").GetString());
    }

    [Theory]
    [InlineData("api/map/regions?level=planet", HttpStatusCode.BadRequest)]
    [InlineData("api/map/regions?layer=imaginary", HttpStatusCode.BadRequest)]
    [InlineData("api/map/regions?industry=fishing", HttpStatusCode.BadRequest)]
    [InlineData("api/map/assets?layer=3", HttpStatusCode.BadRequest)]
    [InlineData("api/map/assets?regionId=nowhere", HttpStatusCode.NotFound)]
    [InlineData("api/regions/nowhere", HttpStatusCode.NotFound)]
    [InlineData("api/incidents?distanceM=-1", HttpStatusCode.BadRequest)]
    public async Task Bad_map_queries_get_problem_details(string path, HttpStatusCode expected)
    {
        var response = await server.Http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static int GasRed(JsonElement region) =>
        region.GetProperty("dynamic").GetProperty("byIndustry").GetProperty("gas").GetProperty("counts").GetProperty("red").GetInt32();

    private static string? Colour(JsonElement region) =>
        region.GetProperty("colour") is { ValueKind: JsonValueKind.String } colour ? colour.GetString() : null;

    private async Task<Dictionary<string, string?>> GeoJsonColoursAsync(string path, CancellationToken ct)
    {
        var response = await server.Http.GetAsync(path, ct);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var collection = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("FeatureCollection", collection.GetProperty("type").GetString());
        return collection.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("id").GetString()!,
            f => Colour(f.GetProperty("properties")));
    }
}
