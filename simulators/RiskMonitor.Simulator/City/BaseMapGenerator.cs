using System.Text.Json;

namespace RiskMonitor.Simulator.City;

/// <summary>One feature of the base map: a street, water, a park, a landmark or a district label.</summary>
/// <param name="Layer"><c>street</c>, <c>water</c>, <c>park</c>, <c>landmark</c>, <c>district-label</c> or <c>city</c>.</param>
/// <param name="Rings">For polygons: the outer ring; for lines: the line; for points: one position.</param>
internal sealed record BaseMapFeature(string Id, string Layer, string Name, string GeometryType, IReadOnlyList<GeoPosition> Rings, string? Kind = null, bool Major = false);

/// <summary>
/// The wall's base map, drawn from the demo city's own geography so there is something to read under the grid colours
/// without a tile server: the 250 m street grid the pipelines follow (main roads marked), the 钱塘江 along the south
/// edge and 西湖 beyond the west edge, parks on street blocks no building, site or tank farm uses, the sensitive sites
/// as landmarks, and the district names. Streets and the river run on past the city's edge, so a wide wall that shows
/// more than the city still shows a place. Pure and deterministic (the checked-in file is compared in a test).
/// </summary>
internal static class BaseMapGenerator
{
    public const string DefaultFileName = "basemap.geojson";

    // How far streets and the river run on beyond the city's edge: a 5760x1080 wall shows the city's 6.6 km of height
    // over ~21 km of width, so 6 km each side.
    private const double OverhangM = 6_000;
    private const int ParkCount = 9;

    private static readonly string[] ParkNames =
        ["西溪公园", "运河文化公园", "朝晖公园", "湖滨公园", "江滨公园", "长桥公园", "城北体育公园", "中山公园", "孤山公园"];

    public static IReadOnlyList<BaseMapFeature> Generate(int seed, IReadOnlyList<GeneratedAsset> assets, IReadOnlyList<GeneratedSite> sites)
    {
        var features = new List<BaseMapFeature>
        {
            Polygon("city", "city", "临江市", Rectangle(CityLayout.CityMinEastM, CityLayout.CityMinNorthM, CityLayout.CityMaxEastM, CityLayout.CityMaxNorthM)),
            Polygon("water-qiantang", "water", "钱塘江", River(), "river"),
            Polygon("water-xihu", "water", "西湖", Ellipse(CityLayout.CityMinEastM - 1_300, 900, 950, 1_400), "lake"),
        };
        features.AddRange(Parks(seed, assets, sites));
        for (var i = 0; i < CityLayout.NorthSouthStreetCount; i++)
        {
            var east = CityLayout.NorthSouthStreetEastM(i);
            features.Add(new($"street-ns-{i:00}", "street", CityLayout.NorthSouthStreetNames[i], "LineString",
                [CityLayout.ToGeo(east, CityLayout.CityMinNorthM - 300), CityLayout.ToGeo(east, CityLayout.CityMaxNorthM + OverhangM)],
                Major: CityLayout.IsMainRoad(i)));
        }

        for (var j = 0; j < CityLayout.EastWestStreetCount; j++)
        {
            var north = CityLayout.EastWestStreetNorthM(j);
            features.Add(new($"street-ew-{j:00}", "street", CityLayout.EastWestStreetNames[j], "LineString",
                [CityLayout.ToGeo(CityLayout.CityMinEastM - OverhangM, north), CityLayout.ToGeo(CityLayout.CityMaxEastM + OverhangM, north)],
                Major: CityLayout.IsMainRoad(j)));
        }

        features.AddRange(sites.Select(s => new BaseMapFeature($"landmark-{s.Id}", "landmark", s.Name, "Point", [s.Position], s.Kind)));
        foreach (var district in CityLayout.Districts)
        {
            // The label sits in the middle of the district's part of the city (the outer districts are open-ended).
            var east = (Math.Max(district.MinEastM, CityLayout.CityMinEastM) + Math.Min(district.MaxEastM, CityLayout.CityMaxEastM)) / 2;
            var north = (Math.Max(district.MinNorthM, CityLayout.CityMinNorthM) + Math.Min(district.MaxNorthM, CityLayout.CityMaxNorthM)) / 2;
            features.Add(new($"label-{district.Id}", "district-label", district.Name, "Point", [CityLayout.ToGeo(east, north)], district.Id));
        }

        return features;
    }

    /// <summary>
    /// Parks on 2 x 2 street blocks that hold no building, tank farm, gas station or sensitive site (pipelines run under
    /// the streets around them, as they do around a real park), outside the chemical park; picked with the seed.
    /// </summary>
    private static IEnumerable<BaseMapFeature> Parks(int seed, IReadOnlyList<GeneratedAsset> assets, IReadOnlyList<GeneratedSite> sites)
    {
        var used = new HashSet<(int, int)>();
        foreach (var position in assets.Where(a => !a.IsLine).Select(a => a.Coordinates[0]).Concat(sites.Select(s => s.Position)))
        {
            var (east, north) = CityLayout.ToLocal(position);
            used.Add(((int)Math.Floor((east - CityLayout.NorthSouthStreetEastM(0)) / CityLayout.StreetSpacingM),
                (int)Math.Floor((north - CityLayout.EastWestStreetNorthM(0)) / CityLayout.StreetSpacingM)));
        }

        bool Free(int i, int j) => !used.Contains((i, j))
            && !CityLayout.DistrictAt(CityLayout.NorthSouthStreetEastM(i) + 125, CityLayout.EastWestStreetNorthM(j) + 125).IsIndustrial;

        var candidates = new List<(int I, int J)>();
        for (var i = 0; i < CityLayout.NorthSouthStreetCount - 2; i++)
        {
            for (var j = 0; j < CityLayout.EastWestStreetCount - 2; j++)
            {
                if (Free(i, j) && Free(i + 1, j) && Free(i, j + 1) && Free(i + 1, j + 1))
                {
                    candidates.Add((i, j));
                }
            }
        }

        var order = candidates.ToArray();
        new Random(unchecked((seed * 7919) + (9 * 104_729))).Shuffle(order);
        var taken = new HashSet<(int, int)>();
        var parks = new List<BaseMapFeature>();
        foreach (var (i, j) in order)
        {
            // Parks do not touch: a block of street around each keeps them apart on the map.
            if (parks.Count == ParkCount || Enumerable.Range(-2, 5).Any(di => Enumerable.Range(-2, 5).Any(dj => taken.Contains((i + di, j + dj)))))
            {
                continue;
            }

            taken.Add((i, j));
            // Set back 12 m from the streets so the street lines stay visible along the park's edge.
            parks.Add(Polygon($"park-{parks.Count + 1:00}", "park", ParkNames[parks.Count], Rectangle(
                CityLayout.NorthSouthStreetEastM(i) + 12, CityLayout.EastWestStreetNorthM(j) + 12,
                CityLayout.NorthSouthStreetEastM(i + 2) - 12, CityLayout.EastWestStreetNorthM(j + 2) - 12)));
        }

        return parks;
    }

    /// <summary>The river: a gently bending band about 900 m wide along the city's south edge, running on both sides.</summary>
    private static List<GeoPosition> River()
    {
        const double Step = 500;
        var north = new List<GeoPosition>();
        var south = new List<GeoPosition>();
        for (var east = CityLayout.CityMinEastM - OverhangM; east <= CityLayout.CityMaxEastM + OverhangM; east += Step)
        {
            var bank = CityLayout.CityMinNorthM - 250 + (180 * Math.Sin(east / 1_700));
            north.Add(CityLayout.ToGeo(east, bank));
            south.Add(CityLayout.ToGeo(east, bank - 900 - (150 * Math.Cos(east / 2_300))));
        }

        south.Reverse();
        return [.. north, .. south, north[0]];
    }

    private static List<GeoPosition> Ellipse(double eastM, double northM, double radiusEastM, double radiusNorthM)
    {
        var ring = Enumerable.Range(0, 36)
            .Select(k => k * Math.PI * 2 / 36)
            .Select(a => CityLayout.ToGeo(eastM + (radiusEastM * Math.Cos(a)) + (90 * Math.Sin(3 * a)), northM + (radiusNorthM * Math.Sin(a))))
            .ToList();
        ring.Add(ring[0]);
        return ring;
    }

    private static List<GeoPosition> Rectangle(double minEast, double minNorth, double maxEast, double maxNorth) =>
    [
        CityLayout.ToGeo(minEast, minNorth), CityLayout.ToGeo(maxEast, minNorth), CityLayout.ToGeo(maxEast, maxNorth),
        CityLayout.ToGeo(minEast, maxNorth), CityLayout.ToGeo(minEast, minNorth),
    ];

    private static BaseMapFeature Polygon(string id, string layer, string name, IReadOnlyList<GeoPosition> ring, string? kind = null) =>
        new(id, layer, name, "Polygon", ring, kind);

    public static byte[] ToUtf8(IReadOnlyList<BaseMapFeature> features) => FeatureCollectionWriter.ToUtf8(features, 300, (w, f) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", f.Id);
        w.WriteStartObject("geometry");
        w.WriteString("type", f.GeometryType);
        w.WritePropertyName("coordinates");
        switch (f.GeometryType)
        {
            case "Point":
                WritePosition(w, f.Rings[0]);
                break;
            case "LineString":
                WriteLine(w, f.Rings);
                break;
            default:
                w.WriteStartArray();
                WriteLine(w, f.Rings);
                w.WriteEndArray();
                break;
        }

        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("layer", f.Layer);
        w.WriteString("name", f.Name);
        if (f.Kind is not null)
        {
            w.WriteString("kind", f.Kind);
        }

        if (f.Major)
        {
            w.WriteBoolean("major", true);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteLine(Utf8JsonWriter w, IReadOnlyList<GeoPosition> positions)
    {
        w.WriteStartArray();
        foreach (var p in positions)
        {
            WritePosition(w, p);
        }

        w.WriteEndArray();
    }

    private static void WritePosition(Utf8JsonWriter w, GeoPosition p)
    {
        w.WriteStartArray();
        w.WriteNumberValue(p.Lon);
        w.WriteNumberValue(p.Lat);
        w.WriteEndArray();
    }
}
