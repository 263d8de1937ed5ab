using NetTopologySuite.Geometries;

namespace RiskMonitor.Domain.Regions;

/// <summary>
/// Distances in metres between WGS84 longitude/latitude geometries on a local equirectangular projection around the
/// second geometry: good to well under a metre across a city, and nothing to configure.
/// </summary>
public static class GeoDistance
{
    public const double MetresPerDegreeLat = 111_320;

    public static double MetresPerDegreeLon(double latitude) => MetresPerDegreeLat * Math.Cos(latitude * Math.PI / 180);

    public static double Metres(Geometry a, Geometry b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var origin = b.EnvelopeInternal.Centre;
        var perLon = MetresPerDegreeLon(origin.Y);
        return Project(a).Distance(Project(b));

        Geometry Project(Geometry g)
        {
            var copy = g.Copy();
            copy.Apply(new ProjectFilter(origin, perLon));
            return copy;
        }
    }

    /// <summary>The envelope grown by <paramref name="metres"/> on every side.</summary>
    public static Envelope Expand(Envelope envelope, double metres)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var copy = envelope.Copy();
        copy.ExpandBy(metres / MetresPerDegreeLon(envelope.Centre.Y), metres / MetresPerDegreeLat);
        return copy;
    }

    private sealed class ProjectFilter(Coordinate origin, double metresPerDegreeLon) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, (seq.GetX(i) - origin.X) * metresPerDegreeLon);
            seq.SetY(i, (seq.GetY(i) - origin.Y) * MetresPerDegreeLat);
        }
    }
}
