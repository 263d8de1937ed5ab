using Microsoft.Extensions.Time.Testing;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>
/// <c>GET /api/map/hazards</c> in process: open hazards the caller may see, placed by their coordinates, else their asset,
/// else their region's middle, and counted when nothing places them.
/// </summary>
public sealed class HazardLayerQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"));
    private readonly InMemoryHazardStore _store = new(new InMemoryFeedLog());
    private readonly HazardLayerQueries _queries;

    public HazardLayerQueriesTests()
    {
        // r-east is the square 121..122 x 30..31, whose middle is (121.5, 30.5); r-west has no polygon in the map.
        var index = RegionIndex.Build(
        [
            new RegionDefinition("city", "城市", RegionLevel.City, null, Square(120, 30, 2), null),
            new RegionDefinition("r-east", "东区", RegionLevel.District, "city", Square(121, 30, 1), null),
        ]);
        _queries = new HazardLayerQueries(_store, _ports, RegionMap.Build(index, _ports.All), _ports, _time);
    }

    [Fact]
    public async Task An_open_hazard_is_placed_by_its_coordinates_else_its_asset_else_its_regions_middle_and_counted_when_nothing_places_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await RecordAsync(Hazard("h-coords", null, "r-east") with { Longitude = 120.123456789, Latitude = 30.5 }, ct);
        await RecordAsync(Hazard("h-asset", "gp-1", "r-east"), ct);
        await RecordAsync(Hazard("h-region", null, "r-east", deadlineInMinutes: -1), ct);
        await RecordAsync(Hazard("h-nowhere", null, "r-west"), ct);
        await RecordAsync(Hazard("h-closed", "gp-1", "r-east") with { Status = HazardStatus.Verified }, ct);

        var layer = (await _queries.LayerAsync(InMemoryPorts.CityWide, ct)).Value!;

        Assert.Equal("FeatureCollection", layer.Type);
        var byId = layer.Features.ToDictionary(f => f.Properties.HazardId);
        Assert.Equal(["h-asset", "h-coords", "h-region"], byId.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([120.123457, 30.5], byId["h-coords"].Geometry.Coordinates); // rounded to six places (about 0.1 m)
        Assert.Equal([120.1, 30.2], byId["h-asset"].Geometry.Coordinates);
        Assert.Equal([121.5, 30.5], byId["h-region"].Geometry.Coordinates);
        Assert.Equal((true, "reported", "general"), (byId["h-region"].Properties.Overdue, byId["h-region"].Properties.Status, byId["h-region"].Properties.Level));
        Assert.False(byId["h-asset"].Properties.Overdue);
        Assert.Equal(1, layer.Unplaced); // h-nowhere; the verified one is not on the layer at all
    }

    [Fact]
    public async Task A_scoped_caller_sees_the_hazards_of_its_regions_only()
    {
        var ct = TestContext.Current.CancellationToken;
        await RecordAsync(Hazard("h-east", "gp-1", "r-east"), ct);
        await RecordAsync(Hazard("h-west", null, "r-west") with { Longitude = 120.2, Latitude = 30.2 }, ct);

        var east = (await _queries.LayerAsync(InMemoryPorts.ScopedTo("r-east"), ct)).Value!;
        var west = (await _queries.LayerAsync(InMemoryPorts.ScopedTo("r-west"), ct)).Value!;

        Assert.Equal(["h-east"], east.Features.Select(f => f.Properties.HazardId));
        Assert.Equal(["h-west"], west.Features.Select(f => f.Properties.HazardId));
        Assert.Equal((0, 0), (east.Unplaced, west.Unplaced));
    }

    private static Polygon Square(double west, double south, double side) =>
        new GeometryFactory().CreatePolygon(
            [new(west, south), new(west + side, south), new(west + side, south + side), new(west, south + side), new(west, south)]);

    private Task RecordAsync(Hazard hazard, CancellationToken ct) => _store.RecordAsync(null, hazard, "reported", hazard.ReportedBy, null, hazard.ReportedAt, ct);

    private Hazard Hazard(string id, string? assetId, string? regionId, int? deadlineInMinutes = null)
    {
        var now = _time.GetUtcNow();
        return new Hazard(
            id, HazardLevel.General, HazardSource.Inspection, HazardStatus.Reported, "井盖破损", assetId, regionId, "gas", null, null, null,
            deadlineInMinutes is { } m ? now.AddMinutes(m) : null, null, "li.wei", now, now);
    }
}
