using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace RiskMonitor.Domain.Registry;

/// <summary>
/// What is wrong with a geometry for the registry (pure): coordinates outside WGS 84 longitude/latitude, a ring that is
/// not closed or has fewer than four points, and anything NetTopologySuite's validity check (OGC simple features)
/// refuses, self-intersection first among them. Empty when it can be used.
/// </summary>
public static class GeometryCheck
{
    public static IReadOnlyList<string> Problems(Geometry? geometry)
    {
        if (geometry is null || geometry.IsEmpty)
        {
            return ["geometry is required"];
        }

        var problems = new List<string>();
        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y) || c.X is < -180 or > 180 || c.Y is < -90 or > 90)
            {
                problems.Add($"coordinate ({c.X}, {c.Y}) is outside longitude [-180, 180] / latitude [-90, 90]");
                return problems;
            }
        }

        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon polygon)
            {
                foreach (var ring in new[] { polygon.Shell }.Concat(polygon.Holes))
                {
                    if (ring.NumPoints < 4 || !ring.Coordinates[0].Equals2D(ring.Coordinates[^1]))
                    {
                        problems.Add("a polygon ring must be closed (first point = last point) and have at least four points");
                        return problems;
                    }
                }
            }
        }

        var error = new IsValidOp(geometry).ValidationError;
        if (error is not null)
        {
            problems.Add($"invalid {geometry.GeometryType}: {error.Message} at ({error.Coordinate?.X}, {error.Coordinate?.Y})");
        }

        return problems;
    }
}
