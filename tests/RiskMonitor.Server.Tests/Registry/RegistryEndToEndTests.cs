using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Registry;

/// <summary>The test city with its region file (t-city, t-d1/t-d2, grids t-g1..t-g4), on real PostgreSQL, InfluxDB and MQTT.</summary>
public sealed class RegistryFixture : ServerFixture
{
    protected override string? RegionsGeoJson() => TestCity.Regions();
}

/// <summary>The live registry (docs/decisions/0041-live-registry.md) end to end: no restart anywhere in this class.</summary>
public sealed class RegistryEndToEndTests(RegistryFixture server) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task An_asset_created_then_changed_over_the_api_is_judged_by_its_new_data_on_the_next_reading()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        const string Id = "api-t-001";

        // Created as a kind with no rules of its own: its readings are taken and stored, and raise nothing.
        var created = await supervisor.PostAsync("api/registry/assets", Feature(Id, "monitor_point", "新建监测点"), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostAsync("api/registry/assets", Feature(Id, "monitor_point", "重复"), ct)).StatusCode);
        using var mqtt = await server.ConnectMqttAsync("registry-e2e", ct);
        var now = DateTimeOffset.UtcNow;
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{Id}/telemetry", ServerFixture.Reading(now.AddSeconds(-2).ToUnixTimeMilliseconds(), ("ch4_lel", 60)), ct);
        var view = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/assets/{Id}", ct),
            v => v.GetProperty("latest").TryGetProperty("ch4_lel", out _), TimeSpan.FromSeconds(30), ct);
        Assert.True(view.GetProperty("latest").TryGetProperty("ch4_lel", out _), view.ToString());
        Assert.Equal(0, view.GetProperty("alerts").GetArrayLength());

        // Changed to a gas station (methane rules): the very next reading is judged by them.
        using var change = new HttpRequestMessage(HttpMethod.Put, $"api/registry/assets/{Id}") { Content = Feature(Id, "gas_station", "新建加气站") };
        change.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var changed = await supervisor.SendAsync(change, ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{Id}/telemetry", ServerFixture.Reading(now.ToUnixTimeMilliseconds(), ("ch4_lel", 60)), ct);

        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/alerts?assetId={Id}", ct),
            a => a.GetProperty("items").GetArrayLength() == 1, TimeSpan.FromSeconds(30), ct);
        var alert = Assert.Single(alerts.GetProperty("items").EnumerateArray());
        Assert.Equal("ch4_lel.high", alert.GetProperty("ruleId").GetString());
        Assert.Equal("red", alert.GetProperty("severity").GetString());

        // The GeoJSON export is the registry in force: the feature as changed over the API.
        var exported = Assert.Single((await supervisor.GetFromJsonAsync<JsonElement>("api/registry/assets", ct)).GetProperty("features").EnumerateArray(),
            f => f.GetProperty("properties").GetProperty("id").GetString() == Id);
        Assert.Equal(("gas_station", "新建加气站"), (exported.GetProperty("properties").GetProperty("kind").GetString(), exported.GetProperty("properties").GetProperty("name").GetString()));

        // Retired: gone from the registry in force (readings are dead-lettered from now on), its id stays taken.
        using var retire = new HttpRequestMessage(HttpMethod.Delete, $"api/registry/assets/{Id}");
        retire.Headers.IfMatch.Add(new EntityTagHeaderValue("\"2\""));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.SendAsync(retire, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"api/registry/assets/{Id}", ct)).StatusCode);
        Assert.DoesNotContain((await supervisor.GetFromJsonAsync<JsonElement>("api/registry/assets", ct)).GetProperty("features").EnumerateArray(),
            f => f.GetProperty("properties").GetProperty("id").GetString() == Id);
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostAsync("api/registry/assets", Feature(Id, "monitor_point", "再建"), ct)).StatusCode);
    }

    [Fact]
    public async Task A_seeded_gas_mains_inherent_level_set_with_its_assessment_is_raised_for_cast_iron_with_its_basis()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);

        using var set = new HttpRequestMessage(HttpMethod.Put, "api/registry/assets/gp-t-003/inherent-level")
        {
            Content = JsonContent.Create(new { level = "yellow", assessedOn = "2019-05-20", assessor = "市燃气安全评估中心", material = "铸铁", installedYear = 1988 }),
        };
        set.Headers.IfMatch.Add(new EntityTagHeaderValue("\"0\"")); // as seeded
        var response = await supervisor.SendAsync(set, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var inherent = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("inherent");
        Assert.Equal("yellow", inherent.GetProperty("assessed").GetString());
        Assert.Equal("orange", inherent.GetProperty("level").GetString());
        Assert.Contains("grey cast iron", inherent.GetProperty("basis").GetString(), StringComparison.Ordinal);
        Assert.Equal("市燃气安全评估中心", inherent.GetProperty("assessor").GetString());
        var assets = await server.GetJsonAsync("api/assets?kind=gas_pipeline&limit=100", ct);
        Assert.Equal("orange", assets.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("assetId").GetString() == "gp-t-003").GetProperty("inherentLevel").GetString());

        // Assessed in 2019: due in 2024 (5 years), so listed; the seeded assets were never assessed and come first.
        var overdue = await server.GetJsonAsync("api/registry/reassessments?limit=5000", ct);
        var items = overdue.GetProperty("items").EnumerateArray().ToList();
        var mine = items.Single(i => i.GetProperty("subject").GetProperty("id").GetString() == "gp-t-003");
        Assert.Equal("2024-05-20", mine.GetProperty("dueOn").GetString());
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("dueOn").ValueKind);
    }

    [Fact]
    public async Task A_region_change_shows_on_the_map_at_once_a_cycle_or_bad_geometry_changes_nothing_and_another_nodes_change_arrives_by_poll()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        Assert.Equal("区域t-g1", (await server.GetJsonAsync("api/regions/t-g1", ct)).GetProperty("name").GetString()); // its grain is active now

        var renamed = await PutRegionAsync(supervisor, "t-g1", "\"0\"", Region("t-g1", "grid", "t-d1", "西湖新网格", Square(120.0, 120.3005)), ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("西湖新网格", await GridNameAsync("t-g1", ct));
        // The active region grain follows the change too (decision 0048), not only when it next goes idle.
        var region = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/regions/t-g1", ct), r => r.GetProperty("name").GetString() == "西湖新网格", TimeSpan.FromSeconds(30), ct);
        Assert.Equal("西湖新网格", region.GetProperty("name").GetString());

        // Refused whole, with problem details: a parent that closes a cycle, a bow-tie, an unclosed ring, a longitude of 200.
        var cycle = await PutRegionAsync(supervisor, "t-d1", "\"0\"", Region("t-d1", "district", "t-g1", "区域t-d1", Square(120.0, 120.6005)), ct);
        await AssertProblemAsync(cycle, HttpStatusCode.BadRequest, "parentId", "cycle", ct);
        double[][] bowTie = [[120.3005, 30.1], [120.6005, 30.3], [120.6005, 30.1], [120.3005, 30.3], [120.3005, 30.1]];
        await AssertProblemAsync(await PutRegionAsync(supervisor, "t-g2", "\"0\"", Region("t-g2", "grid", "t-d1", "蝴蝶", bowTie), ct), HttpStatusCode.BadRequest, "geometry", "Self-intersection", ct);
        double[][] unclosed = [[120.3005, 30.1], [120.6005, 30.1], [120.6005, 30.3], [120.3005, 30.3]];
        await AssertProblemAsync(await PutRegionAsync(supervisor, "t-g2", "\"0\"", Region("t-g2", "grid", "t-d1", "未闭合", unclosed), ct), HttpStatusCode.BadRequest, "geometry", "closed", ct);
        await AssertProblemAsync(await PutRegionAsync(supervisor, "t-g2", "\"0\"", Region("t-g2", "grid", "t-d1", "越界", Square(200.0, 200.3)), ct), HttpStatusCode.BadRequest, "geometry", "outside longitude", ct);
        await AssertProblemAsync(await PutRegionAsync(supervisor, "t-g1", "\"0\"", Region("t-g1", "grid", "t-d1", "旧版本", Square(120.0, 120.3005)), ct), HttpStatusCode.Conflict, null, null, ct);
        await AssertProblemAsync(await PutRegionAsync(supervisor, "t-g1", null, Region("t-g1", "grid", "t-d1", "无版本", Square(120.0, 120.3005)), ct), (HttpStatusCode)428, null, null, ct);
        Assert.Equal("\"0\"", (await supervisor.GetAsync("api/registry/regions/t-d1", ct)).Headers.ETag?.Tag);
        Assert.Equal("\"0\"", (await supervisor.GetAsync("api/registry/regions/t-g2", ct)).Headers.ETag?.Tag);
        Assert.Equal("区域t-g2", await GridNameAsync("t-g2", ct));

        // Another node's committed change (written here straight to PostgreSQL, as that node's write would be) is in
        // force on this node by its poll of the registry's change counter.
        await using (var connection = new Npgsql.NpgsqlConnection(server.Postgres.ConnectionString(ServerFixture.Database)))
        {
            await connection.OpenAsync(ct);
            await using var write = new Npgsql.NpgsqlCommand("""
                INSERT INTO registry_features (layer, feature_id, version, retired, updated_at, updated_by, feature)
                VALUES ('region', 't-g2', 1, false, now(), 'node-b', @feature::jsonb);
                UPDATE registry_version SET version = version + 1;
                """, connection);
            write.Parameters.AddWithValue("feature", Encoding.UTF8.GetString(await Region("t-g2", "grid", "t-d1", "另一节点改的网格", Square(120.3005, 120.6005)).ReadAsByteArrayAsync(ct)));
            await write.ExecuteNonQueryAsync(ct);
        }

        var polled = await ServerFixture.EventuallyAsync(() => GridNameAsync("t-g2", ct), n => n == "另一节点改的网格", TimeSpan.FromSeconds(30), ct);
        Assert.Equal("另一节点改的网格", polled);
    }

    [Fact]
    public async Task An_areas_own_inherent_level_set_with_its_assessment_colours_it_and_its_district_on_the_map_and_in_its_grain_and_is_listed_when_due()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        Assert.Equal("t-d2", (await server.GetJsonAsync("api/regions/t-g4", ct)).GetProperty("parentId").GetString()); // its grain is active now

        // Refused whole: a pipe's material on an area, a level that is not a colour; the region stays as seeded.
        await AssertProblemAsync(await SetAreaLevelAsync(supervisor, new { level = "red", assessedOn = "2020-03-01", assessor = "市安全评估中心", material = "铸铁" }, ct),
            HttpStatusCode.BadRequest, "material", "area", ct);
        await AssertProblemAsync(await SetAreaLevelAsync(supervisor, new { level = "purple", assessedOn = "2020-03-01", assessor = "市安全评估中心" }, ct),
            HttpStatusCode.BadRequest, "level", "red", ct);
        Assert.Equal("\"0\"", (await supervisor.GetAsync("api/registry/regions/t-g4", ct)).Headers.ETag?.Tag);

        var set = await SetAreaLevelAsync(supervisor, new { level = "red", assessedOn = "2020-03-01", assessor = "市安全评估中心" }, ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var inherent = (await set.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("inherent");
        Assert.Equal("red", inherent.GetProperty("level").GetString());
        Assert.Equal("市安全评估中心", inherent.GetProperty("assessor").GetString());

        // Red is the top colour, so whatever the test pipelines read, the grid and its district show red in both layers.
        var grid = await MapRegionAsync("grid", "t-g4", ct);
        Assert.Equal("red", grid.GetProperty("areaLevel").GetString());
        Assert.Equal("red", grid.GetProperty("inherentColour").GetString());
        Assert.Equal("red", grid.GetProperty("colour").GetString());
        Assert.Equal("red", (await MapRegionAsync("district", "t-d2", ct)).GetProperty("inherentColour").GetString());
        Assert.NotEqual("red", (await MapRegionAsync("grid", "t-g3", ct)).TryGetProperty("areaLevel", out var beside) ? beside.GetString() : null);
        var active = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/regions/t-g4", ct),
            r => r.GetProperty("areaLevel").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30), ct);
        Assert.Equal("red", active.GetProperty("areaLevel").GetString());
        Assert.Equal("red", active.GetProperty("inherentColour").GetString());

        // Assessed in March 2020: an area's period is 5 years, so it was due in March 2025; the asset list leaves it out.
        var areas = await server.GetJsonAsync("api/registry/reassessments?layer=region&limit=5000", ct);
        var mine = areas.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("subject").GetProperty("id").GetString() == "t-g4");
        Assert.Equal("2025-03-01", mine.GetProperty("dueOn").GetString());
        Assert.Equal("red", mine.GetProperty("subject").GetProperty("level").GetString());
        Assert.Equal("grid", mine.GetProperty("subject").GetProperty("kind").GetString());
        var assets = await server.GetJsonAsync("api/registry/reassessments?layer=asset&limit=5000", ct);
        Assert.DoesNotContain(assets.GetProperty("items").EnumerateArray(), i => i.GetProperty("subject").GetProperty("id").GetString()!.StartsWith("t-", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync("api/registry/reassessments?layer=planet", ct)).StatusCode);
    }

    [Fact]
    public async Task A_region_import_is_checked_whole_refused_whole_with_problem_details_and_applied_whole_audited_and_versioned()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        var newGrid = RegionObject("t-g5", "grid", "t-d2", "导入的新网格", Square(121.0, 121.1));
        var renamed = RegionObject("t-g3", "grid", "t-d2", "导入改名的网格", Square(120.6005, 120.9005));
        double[][] bowTie = [[121.2, 30.1], [121.3, 30.3], [121.3, 30.1], [121.2, 30.3], [121.2, 30.1]];

        // Each refusal carries a valid new grid: it must not be applied.
        await AssertProblemAsync(await ImportAsync(supervisor, ct, newGrid, RegionObject("t-g6", "grid", "t-d2", "蝴蝶", bowTie)),
            HttpStatusCode.BadRequest, "features[1].geometry", "Self-intersection", ct);
        await AssertProblemAsync(await ImportAsync(supervisor, ct, newGrid, renamed, RegionObject("t-g5", "grid", "t-d2", "重复", Square(121.0, 121.1))),
            HttpStatusCode.BadRequest, "features[2].id", "features[0]", ct);
        await AssertProblemAsync(await ImportAsync(supervisor, ct, newGrid, RegionObject("t-g6", "grid", "t-d9", "无父", Square(121.2, 121.3))),
            HttpStatusCode.BadRequest, "feature", "does not exist", ct);
        await AssertProblemAsync(await ImportAsync(supervisor, ct, newGrid, RegionObject("t-d2", "district", "t-g3", "区域t-d2", Square(120.6005, 121.2005))),
            HttpStatusCode.BadRequest, "parentId", "cycle", ct);
        await AssertProblemAsync(await ImportAsync(supervisor, ct), HttpStatusCode.BadRequest, "features", "Between", ct);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync("api/registry/regions/t-g5", ct)).StatusCode);
        Assert.Equal("\"0\"", (await supervisor.GetAsync("api/registry/regions/t-g3", ct)).Headers.ETag?.Tag);
        Assert.Equal(0, await AuditLinesAsync("t-g5", ct));

        var imported = await ImportAsync(supervisor, ct, newGrid, renamed);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var result = await imported.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal((2, 1, 1), (result.GetProperty("imported").GetInt32(), result.GetProperty("created").GetInt32(), result.GetProperty("replaced").GetInt32()));
        Assert.Equal("导入改名的网格", await GridNameAsync("t-g3", ct));
        Assert.Equal("导入的新网格", await GridNameAsync("t-g5", ct));
        Assert.Equal("\"1\"", (await supervisor.GetAsync("api/registry/regions/t-g3", ct)).Headers.ETag?.Tag);
        Assert.Equal(1, await AuditLinesAsync("t-g5", ct));

        // Imported again: replaced, each a version up. A retired id in an import refuses the whole (409).
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(supervisor, ct, newGrid, renamed)).StatusCode);
        Assert.Equal("\"2\"", (await supervisor.GetAsync("api/registry/regions/t-g5", ct)).Headers.ETag?.Tag);
        using var retire = new HttpRequestMessage(HttpMethod.Delete, "api/registry/regions/t-g5");
        retire.Headers.IfMatch.Add(new EntityTagHeaderValue("\"2\""));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.SendAsync(retire, ct)).StatusCode);
        await AssertProblemAsync(await ImportAsync(supervisor, ct, renamed, newGrid), HttpStatusCode.Conflict, null, null, ct);
        Assert.Equal("\"2\"", (await supervisor.GetAsync("api/registry/regions/t-g3", ct)).Headers.ETag?.Tag);
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, CancellationToken ct, params object[] features) =>
        client.PostAsync("api/registry/regions/import", JsonContent.Create(new { type = "FeatureCollection", features }), ct);

    private async Task<long> AuditLinesAsync(string regionId, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM registry_changes WHERE entity = 'region' AND entity_id = @id AND actor = 'zhang.min'", connection);
        count.Parameters.AddWithValue("id", regionId);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    private static async Task<HttpResponseMessage> SetAreaLevelAsync(HttpClient client, object body, CancellationToken ct)
    {
        var current = (await client.GetAsync("api/registry/regions/t-g4", ct)).Headers.ETag!.Tag;
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/registry/regions/t-g4/inherent-level") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(current));
        return await client.SendAsync(request, ct);
    }

    private async Task<JsonElement> MapRegionAsync(string level, string regionId, CancellationToken ct)
    {
        var map = await server.GetJsonAsync($"api/map/regions?level={level}", ct);
        return map.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("id").GetString() == regionId).GetProperty("properties");
    }

    private async Task<string?> GridNameAsync(string regionId, CancellationToken ct)
    {
        var map = await server.GetJsonAsync("api/map/regions?level=grid", ct);
        return map.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("id").GetString() == regionId).GetProperty("properties").GetProperty("name").GetString();
    }

    private static async Task<HttpResponseMessage> PutRegionAsync(HttpClient client, string id, string? ifMatch, HttpContent feature, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/registry/regions/{id}") { Content = feature };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return await client.SendAsync(request, ct);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field, string? says, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
            Assert.Contains(says!, errors.GetProperty(field)[0].GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static double[][] Square(double west, double east) => [[west, 30.1], [east, 30.1], [east, 30.3], [west, 30.3], [west, 30.1]];

    private static JsonContent Region(string id, string level, string parentId, string name, double[][] ring) => JsonContent.Create(RegionObject(id, level, parentId, name, ring));

    private static object RegionObject(string id, string level, string parentId, string name, double[][] ring) => new
    {
        type = "Feature",
        geometry = new { type = "Polygon", coordinates = new[] { ring } },
        properties = new { id, name, level, parentId, supervisor = new { name = "网格员" + id, phone = "0571-01234567" } },
    };

    private static JsonContent Feature(string id, string kind, string name) => JsonContent.Create(new
    {
        type = "Feature",
        geometry = new { type = "Point", coordinates = new[] { 120.15, 30.2 } },
        properties = new { id, kind, name, industry = "gas", inherentLevel = "blue", regionId = "t-g1", reportingIntervalSeconds = 60 },
    });
}
