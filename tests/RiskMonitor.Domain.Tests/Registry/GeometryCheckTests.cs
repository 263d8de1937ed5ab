using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Registry;

namespace RiskMonitor.Domain.Tests.Registry;

public sealed class GeometryCheckTests
{
    private static readonly GeometryFactory Factory = new();

    private static Polygon Polygon(params (double X, double Y)[] ring) => Factory.CreatePolygon([.. ring.Select(p => new Coordinate(p.X, p.Y))]);

    [Fact]
    public void A_simple_closed_polygon_a_line_and_a_point_in_range_are_usable()
    {
        Assert.Empty(GeometryCheck.Problems(Polygon((120, 30), (120.1, 30), (120.1, 30.1), (120, 30.1), (120, 30))));
        Assert.Empty(GeometryCheck.Problems(Factory.CreateLineString([new(120, 30), new(120.1, 30)])));
        Assert.Empty(GeometryCheck.Problems(Factory.CreatePoint(new Coordinate(-180, 90))));
    }

    [Fact]
    public void A_self_intersecting_polygon_is_refused_with_where_it_crosses()
    {
        var bowTie = Polygon((120, 30), (120.1, 30.1), (120.1, 30), (120, 30.1), (120, 30));

        var problem = Assert.Single(GeometryCheck.Problems(bowTie));

        Assert.Contains("Self-intersection", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Coordinates_outside_longitude_and_latitude_and_no_geometry_are_refused()
    {
        Assert.Contains("outside longitude", Assert.Single(GeometryCheck.Problems(Factory.CreatePoint(new Coordinate(200, 30)))), StringComparison.Ordinal);
        Assert.Contains("outside longitude", Assert.Single(GeometryCheck.Problems(Factory.CreatePoint(new Coordinate(120, -91)))), StringComparison.Ordinal);
        Assert.Single(GeometryCheck.Problems(null));
        Assert.Single(GeometryCheck.Problems(Factory.CreatePolygon()));
    }
}
