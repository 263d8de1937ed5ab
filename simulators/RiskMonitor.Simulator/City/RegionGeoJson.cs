using System.Text.Json;

namespace RiskMonitor.Simulator.City;

/// <summary>Writes the regions as the GeoJSON FeatureCollection of polygons the server's region loader reads.</summary>
internal static class RegionGeoJson
{
    public static byte[] ToUtf8(IReadOnlyList<GeneratedRegion> regions)
        => FeatureCollectionWriter.ToUtf8(regions, 400, WriteFeature);

    private static void WriteFeature(Utf8JsonWriter w, GeneratedRegion r)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", r.Id);
        w.WriteStartObject("geometry");
        w.WriteString("type", "Polygon");
        w.WriteStartArray("coordinates");
        w.WriteStartArray();
        // Exterior ring counter-clockwise (RFC 7946 §3.1.6): south-west, south-east, north-east, north-west, closed.
        foreach (var (east, north) in new[] { (r.MinEastM, r.MinNorthM), (r.MaxEastM, r.MinNorthM), (r.MaxEastM, r.MaxNorthM), (r.MinEastM, r.MaxNorthM), (r.MinEastM, r.MinNorthM) })
        {
            var position = CityLayout.ToGeo(east, north);
            w.WriteStartArray();
            w.WriteNumberValue(position.Lon);
            w.WriteNumberValue(position.Lat);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("properties");
        w.WriteString("id", r.Id);
        w.WriteString("name", r.Name);
        w.WriteString("level", r.Level);
        if (r.ParentId is not null)
        {
            w.WriteString("parentId", r.ParentId);
        }

        w.WriteStartObject("supervisor");
        w.WriteString("name", r.Supervisor.Name);
        w.WriteString("phone", r.Supervisor.Phone);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

}
