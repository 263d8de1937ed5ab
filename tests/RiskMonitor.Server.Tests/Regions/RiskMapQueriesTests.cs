using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Regions;
using RiskMonitor.Server.Tests.Fakes;

namespace RiskMonitor.Server.Tests.Regions;

/// <summary>
/// <c>GET /api/map/assets</c> in process: the GeoJSON the wall draws, its colours, filters and scope; and
/// <c>GET /api/regions/{id}</c>, a region and its children read from a fake of the region grains.
/// </summary>
public sealed class RiskMapQueriesTests
{
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly AlertReadModel _alerts = new();
    private readonly FakeGrains _grains = new();
    private readonly RiskMapQueries _queries;

    public RiskMapQueriesTests()
    {
        _ports.Add("el-1", "r-west", kind: "elevator", industry: "special_equipment", inherent: RiskColour.Yellow);
        var map = RegionMap.Build(RegionIndex.Empty, _ports.All);
        _queries = new RiskMapQueries(map, _ports, _alerts, new RiskMapData(map, _ports, FrozenDictionary<string, ConsequenceRaise>.Empty), _ports, _grains);
        _alerts.Apply(InMemoryPorts.Alert("a-1", "gp-1", "r-east", WarningLevel.Orange));
    }

    [Fact]
    public void Every_asset_is_a_feature_with_its_inherent_and_live_colours_and_the_layer_asked_for_decides_the_colour()
    {
        var dynamic = Features(new AssetMapFilter());
        var inherent = Features(new AssetMapFilter(Layer: "inherent"));

        Assert.Equal(["el-1", "gp-1", "gp-2"], dynamic.Select(f => f.GetProperty("id").GetString()));
        var gp1 = dynamic[1].GetProperty("properties");
        Assert.Equal(("dynamic", "orange", "blue", "orange", "orange"), (gp1.GetProperty("layer").GetString(), gp1.GetProperty("colour").GetString(),
            gp1.GetProperty("inherentColour").GetString(), gp1.GetProperty("level").GetString(), gp1.GetProperty("dynamicColour").GetString()));
        Assert.Equal("Point", dynamic[1].GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(["yellow", "blue", "blue"], inherent.Select(f => f.GetProperty("properties").GetProperty("colour").GetString()));
    }

    [Fact]
    public void Kind_and_industry_filter_and_a_scoped_caller_gets_its_own_assets_only()
    {
        var elevators = Features(new AssetMapFilter(Kind: "elevator"));
        var gas = Features(new AssetMapFilter(Industry: "gas"));
        var west = Features(new AssetMapFilter(), InMemoryPorts.ScopedTo("r-west"));

        Assert.Equal(["el-1"], elevators.Select(f => f.GetProperty("id").GetString()));
        Assert.Equal(["gp-1", "gp-2"], gas.Select(f => f.GetProperty("id").GetString()));
        Assert.Equal(["el-1", "gp-2"], west.Select(f => f.GetProperty("id").GetString()));
    }

    [Fact]
    public void An_unknown_layer_or_industry_is_a_validation_problem_and_an_unknown_region_is_not_found()
    {
        var bad = _queries.Assets(new AssetMapFilter(Layer: "2", Industry: "mining"), InMemoryPorts.CityWide);
        var nowhere = _queries.Assets(new AssetMapFilter(RegionId: "r-nowhere"), InMemoryPorts.CityWide);

        var errors = Assert.IsType<ValidationProblem>(bad.Result).ProblemDetails.Errors;
        Assert.Contains("inherent, dynamic", errors["layer"][0], StringComparison.Ordinal);
        Assert.Contains("Known: gas, special_equipment", errors["industry"][0], StringComparison.Ordinal);
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(nowhere.Result).StatusCode);
    }

    private List<JsonElement> Features(AssetMapFilter filter, System.Security.Claims.ClaimsPrincipal? user = null)
    {
        var file = Assert.IsType<FileContentHttpResult>(_queries.Assets(filter, user ?? InMemoryPorts.CityWide).Result);
        Assert.Equal("application/geo+json", file.ContentType);
        var collection = JsonDocument.Parse(file.FileContents).RootElement.Clone();
        Assert.Equal("FeatureCollection", collection.GetProperty("type").GetString());
        return [.. collection.GetProperty("features").EnumerateArray()];
    }

    [Fact]
    public async Task A_region_is_answered_from_its_grain_with_each_childs_and_an_unknown_one_wakes_no_grain()
    {
        var index = RegionIndex.Build(
        [
            Region("city", RegionLevel.City, null, 0, 2), Region("d-a", RegionLevel.District, "city", 0, 1), Region("d-b", RegionLevel.District, "city", 1, 2),
        ]);
        var map = RegionMap.Build(index, []);
        var queries = new RiskMapQueries(map, _ports, _alerts, new RiskMapData(map, _ports, FrozenDictionary<string, ConsequenceRaise>.Empty), _ports, _grains);
        _grains.Regions["city"] = new RegionSummary("city", "City", RegionLevel.City, null, null, RegionTally.Empty, 7, InMemoryPorts.T0, RiskColour.Yellow);

        var city = await queries.RegionAsync("city");
        var leaf = await queries.RegionAsync("d-b");
        var unknown = await queries.RegionAsync("r-nowhere");

        var json = Assert.IsType<Ok<RegionJson>>(city.Result).Value!;
        Assert.Equal(("city", 7L, RiskColour.Yellow), (json.RegionId, json.Version, json.Colour));
        Assert.Equal(["d-a", "d-b", "unassigned"], json.Children!.Select(c => c.RegionId)); // the index keeps "unassigned" under the root
        Assert.Empty(Assert.IsType<Ok<RegionJson>>(leaf.Result).Value!.Children!);
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(unknown.Result).StatusCode);
        Assert.Equal(["region city", "region d-a", "region d-b", "region d-b", "region unassigned"], _grains.Calls.Order(StringComparer.Ordinal));
    }

    private static RegionDefinition Region(string id, RegionLevel level, string? parent, double west, double east) =>
        new(id, id, level, parent, new GeometryFactory().CreatePolygon([new(west, 0), new(east, 0), new(east, 1), new(west, 1), new(west, 0)]), null);
}
