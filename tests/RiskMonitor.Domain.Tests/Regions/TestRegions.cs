using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Tests.Regions;

/// <summary>
/// A 4 x 2 city in plain planar units: districts d-a (x 0..2) and d-b (x 2..4), one street each, and four 1 x 2
/// grids. The grids hang straight under their streets (no community level), which the hierarchy allows.
/// </summary>
internal static class TestRegions
{
    public static readonly GeometryFactory Factory = new();

    public static IReadOnlyList<RegionDefinition> Definitions { get; } =
    [
        Region("city", RegionLevel.City, null, 0, 0, 4, 2),
        Region("d-a", RegionLevel.District, "city", 0, 0, 2, 2),
        Region("d-b", RegionLevel.District, "city", 2, 0, 4, 2),
        Region("st-a", RegionLevel.Street, "d-a", 0, 0, 2, 2),
        Region("st-b", RegionLevel.Street, "d-b", 2, 0, 4, 2),
        Region("g-a1", RegionLevel.Grid, "st-a", 0, 0, 1, 2),
        Region("g-a2", RegionLevel.Grid, "st-a", 1, 0, 2, 2),
        Region("g-b1", RegionLevel.Grid, "st-b", 2, 0, 3, 2),
        Region("g-b2", RegionLevel.Grid, "st-b", 3, 0, 4, 2),
    ];

    public static RegionIndex City { get; } = RegionIndex.Build(Definitions);

    public static RegionDefinition Region(string id, RegionLevel level, string? parent, double x0, double y0, double x1, double y1) =>
        new(id, id.ToUpperInvariant(), level, parent, Rectangle(x0, y0, x1, y1), new ResponsiblePerson("网格员 " + id, "0571-01234567"));

    public static Polygon Rectangle(double x0, double y0, double x1, double y1) =>
        Factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);

    public static Point Point(double x, double y) => Factory.CreatePoint(new Coordinate(x, y));

    public static LineString Line(params (double X, double Y)[] points) =>
        Factory.CreateLineString([.. points.Select(p => new Coordinate(p.X, p.Y))]);

    public static AssetDefinition Asset(string id, Geometry geometry, string regionId = RegionIndex.UnassignedId) =>
        new(id, "gas_pipeline", id, "gas", geometry, RiskColour.Blue, null, null, null, regionId, null);
}
