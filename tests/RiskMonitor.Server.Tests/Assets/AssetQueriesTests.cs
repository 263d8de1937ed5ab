using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Assets;
using RiskMonitor.Server.Tests.Fakes;

namespace RiskMonitor.Server.Tests.Assets;

/// <summary>
/// <c>GET /api/assets</c> in process: the registry with live levels, filtered, scoped and paged; and <c>GET /api/assets/{id}</c>
/// read from a fake of the grains.
/// </summary>
public sealed class AssetQueriesTests
{
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-east"), ("gp-3", "r-west"));
    private readonly AlertReadModel _alerts = new();
    private readonly FakeGrains _grains = new();
    private readonly AssetQueries _queries;

    public AssetQueriesTests()
    {
        _ports.Add("el-1", "r-west", kind: "elevator", industry: "special_equipment", inherent: RiskColour.Yellow);
        _queries = new AssetQueries(_ports, RegionMap.Build(RegionIndex.Empty, _ports.All), _alerts, _ports, _grains);
        _alerts.Apply(InMemoryPorts.Alert("a-red", "gp-2", "r-east", WarningLevel.Red));
    }

    [Fact]
    public void Each_asset_carries_its_live_level_and_the_colour_of_that_level_over_its_inherent_one()
    {
        var page = List(new AssetListFilter());

        Assert.Equal(["el-1", "gp-1", "gp-2", "gp-3"], page.Items.Select(a => a.AssetId));
        var red = page.Items.Single(a => a.AssetId == "gp-2");
        Assert.Equal((WarningLevel.Red, RiskColour.Red, true), (red.Level, red.Colour, red.Online));
        var elevator = page.Items.Single(a => a.AssetId == "el-1");
        Assert.Equal((WarningLevel.None, RiskColour.Yellow), (elevator.Level, elevator.Colour)); // no alert: its inherent colour
    }

    [Fact]
    public void Filters_by_kind_region_industry_and_least_colour_combine()
    {
        Assert.Equal(["el-1"], List(new AssetListFilter(Kind: "elevator")).Items.Select(a => a.AssetId));
        Assert.Equal(["el-1", "gp-3"], List(new AssetListFilter(RegionId: "r-west")).Items.Select(a => a.AssetId));
        Assert.Equal(["gp-1", "gp-2"], List(new AssetListFilter(RegionId: "r-east", Industry: "gas")).Items.Select(a => a.AssetId));
        Assert.Equal(["el-1", "gp-2"], List(new AssetListFilter(MinColour: RiskColour.Yellow)).Items.Select(a => a.AssetId));
    }

    [Fact]
    public void A_page_keeps_the_total_and_a_scoped_caller_counts_only_its_own_assets()
    {
        var second = List(new AssetListFilter(Offset: 1, Limit: 2));
        var scoped = Assert.IsType<Ok<AssetPage>>(_queries.List(new AssetListFilter(), InMemoryPorts.ScopedTo("r-east")).Result).Value!;

        Assert.Equal((4, 1), (second.Total, second.Offset));
        Assert.Equal(["gp-1", "gp-2"], second.Items.Select(a => a.AssetId));
        Assert.Equal(2, scoped.Total);
        Assert.All(scoped.Items, a => Assert.Equal("r-east", a.RegionId));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, 10_001)]
    public void Paging_out_of_bounds_is_a_validation_problem(int offset, int limit)
    {
        var result = _queries.List(new AssetListFilter(Offset: offset, Limit: limit), InMemoryPorts.CityWide);

        Assert.True(Assert.IsType<ValidationProblem>(result.Result).ProblemDetails.Errors.ContainsKey("paging"));
    }

    private AssetPage List(AssetListFilter filter) => Assert.IsType<Ok<AssetPage>>(_queries.List(filter, InMemoryPorts.CityWide).Result).Value!;

    [Fact]
    public async Task One_asset_of_the_registry_is_read_from_its_grain_and_an_unknown_one_wakes_no_grain()
    {
        var view = FakeGrains.View("gp-3", "r-west", InMemoryPorts.Alert("gp-3~ch4_lel.high~1", "gp-3", "r-west", WarningLevel.Yellow));
        _grains.Assets["gp-3"] = view;

        var known = await _queries.GetAsync("gp-3");
        var unknown = await _queries.GetAsync("gp-404");

        Assert.Same(view, Assert.IsType<Ok<AssetView>>(known.Result).Value);
        var problem = Assert.IsType<ProblemHttpResult>(unknown.Result);
        Assert.Equal((404, "No asset 'gp-404' in the registry."), (problem.StatusCode, problem.ProblemDetails.Detail));
        Assert.Equal(["asset gp-3"], _grains.Calls);
    }
}
