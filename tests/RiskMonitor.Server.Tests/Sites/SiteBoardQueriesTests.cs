using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Sites;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Sites;
using RiskMonitor.Server.Tests.Fakes;

namespace RiskMonitor.Server.Tests.Sites;

/// <summary><c>GET /api/sites/{id}/board</c> in process: what is checked before a board is built, and whose neighbours it shows.</summary>
public sealed class SiteBoardQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"));
    private readonly AlertReadModel _alerts = new();
    private readonly SiteBoardQueries _queries;

    public SiteBoardQueriesTests()
    {
        _ports.Add("hz-1", "r-east", kind: "hazard_source", industry: "chemicals", inherent: RiskColour.Orange);
        _ports.Add("gs-west", "r-west", kind: "gas_station", metresEast: 100);
        _ports.Add("gp-far", "r-east", metresEast: 2_000);
        var profiles = new SiteProfiles(new Dictionary<string, SiteProfile>());
        _queries = new SiteBoardQueries(_ports, profiles, _alerts, RegionMap.Build(RegionIndex.Empty, _ports.All), _ports, _time);
        _alerts.Apply(InMemoryPorts.Alert("a-1", "gp-1", "r-east", WarningLevel.Red));
    }

    [Fact]
    public void The_board_shows_the_neighbours_within_the_radius_with_their_live_colours_at_the_time_of_the_request()
    {
        var board = Board("hz-1", null, InMemoryPorts.CityWide);
        var wide = Board("hz-1", 5_000, InMemoryPorts.CityWide);

        Assert.Equal((InMemoryPorts.T0, SiteBoardQueries.DefaultRadiusMetres), (board.GeneratedAt, board.Map.RadiusM));
        Assert.Equal(["gp-1", "gs-west"], board.Map.Nearby.Select(a => a.AssetId).Order(StringComparer.Ordinal));
        Assert.Equal(RiskColour.Red, board.Map.Nearby.Single(a => a.AssetId == "gp-1").Colour);
        Assert.Contains(wide.Map.Nearby, a => a.AssetId == "gp-far");
    }

    [Fact]
    public void A_scoped_reader_sees_the_site_but_no_neighbour_outside_its_regions()
    {
        var board = Board("hz-1", 5_000, InMemoryPorts.ScopedTo("r-east"));

        Assert.Equal("hz-1", board.AssetId);
        Assert.Equal(["gp-1", "gp-far"], board.Map.Nearby.Select(a => a.AssetId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_radius_out_of_range_an_unknown_asset_and_an_asset_that_is_no_site_are_refused()
    {
        var radius = _queries.Board("hz-1", 5, InMemoryPorts.CityWide);
        var unknown = _queries.Board("hz-404", null, InMemoryPorts.CityWide);
        var pipeline = _queries.Board("gp-1", null, InMemoryPorts.CityWide);

        Assert.True(Assert.IsType<ValidationProblem>(radius.Result).ProblemDetails.Errors.ContainsKey("radiusM"));
        Assert.Equal(("Unknown asset", 404), Problem(unknown));
        Assert.Equal(("Not a site", 404), Problem(pipeline));
    }

    private static (string? Title, int Status) Problem(Results<Ok<SiteBoardJson>, ValidationProblem, ProblemHttpResult> result)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        return (problem.ProblemDetails.Title, problem.StatusCode);
    }

    private SiteBoardJson Board(string assetId, double? radiusM, ClaimsPrincipal user) =>
        Assert.IsType<Ok<SiteBoardJson>>(_queries.Board(assetId, radiusM, user).Result).Value!;
}
