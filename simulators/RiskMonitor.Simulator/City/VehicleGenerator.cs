using System.Text.Json;

namespace RiskMonitor.Simulator.City;

/// <summary>A hazmat tanker of the demo city with its approved route (核定路线) along main roads.</summary>
internal sealed record GeneratedVehicle(
    string Id, string Name, string Plate, string Cargo, string CargoName, string Carrier, string DriverName, string DriverPhone,
    IReadOnlyList<GeoPosition> Route);

/// <summary>A polygon hazmat vehicles must not enter, with the warning level of an entry.</summary>
internal sealed record GeneratedZone(string Id, string Name, string Kind, string Level, IReadOnlyList<GeoPosition> Ring);

/// <summary>
/// The demo city's hazmat vehicles and restricted zones (issue 6, item 4c). Tankers leave the chemical park (east) on
/// the southern main roads, drive west and then north on a main road to a depot or gas station. Restricted zones are
/// the blocks of schools, kindergartens and hospitals (red), inset 20 m from the streets around them, and the old town
/// (orange), which no approved route crosses. Every route stays on street centre lines, so a vehicle on its route is
/// outside every zone; leaving the route by a block or more, or turning into a school's block, raises an alert.
/// Deterministic.
/// </summary>
internal static class VehicleGenerator
{
    private const double ZoneInsetM = 20;

    private static readonly (string Cargo, string Name)[] Cargoes =
        [("UN1203", "汽油"), ("UN1202", "柴油"), ("UN1075", "液化石油气"), ("UN1005", "液氨"), ("UN1017", "氯"), ("UN1230", "甲醇")];

    private static readonly string[] Carriers = ["临江危货运输有限公司", "钱塘化工物流有限公司", "之江能源储运有限公司"];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];

    private static readonly string[] GivenNames = ["建国", "志强", "海波", "晓东", "国平", "立新", "文斌", "春雷", "永刚", "伟民"];

    /// <summary>Old town (古城历史街区): the blocks between 建国路 and 东新路, 望江路 and 西湖大道.</summary>
    public static (int WestStreet, int EastStreet, int SouthStreet, int NorthStreet) OldTown => (14, 16, 7, 10);

    public static IReadOnlyList<GeneratedVehicle> GenerateVehicles(int seed)
    {
        var rng = new Random(unchecked((seed * 7919) + (7 * 104_729)));
        int[] southernMainRoads = [1, 5];           // 江晖路, 闻涛路: south of the old town
        int[] northboundMainRoads = [1, 5, 9, 13, 21]; // 留和路 .. 中河路, 九堡路: none through the old town
        var vehicles = new List<GeneratedVehicle>();
        for (var k = 0; k < 8; k++)
        {
            var (cargo, cargoName) = Cargoes[k % Cargoes.Length];
            var start = (I: 29, J: southernMainRoads[k % southernMainRoads.Length]);
            var turnAt = northboundMainRoads[rng.Next(northboundMainRoads.Length)];
            var endJ = 13 + (4 * rng.Next(3)); // 凤起路, 文三路 or 大关路
            var route = new List<GeoPosition>();
            // Along the east-west road from the park to the turn, then north to the destination, a vertex per junction
            // so the line follows the streets exactly.
            for (var i = start.I; i >= turnAt; i--)
            {
                route.Add(Junction(i, start.J));
            }

            for (var j = start.J + 1; j <= endJ; j++)
            {
                route.Add(Junction(turnAt, j));
            }

            var plate = $"浙A{rng.Next(10)}{(char)('A' + rng.Next(26))}{rng.Next(1000, 9999)}";
            vehicles.Add(new GeneratedVehicle(
                $"hv-{k + 1:000}", $"{cargoName}罐车 {plate}", plate, cargo, cargoName, Carriers[k % Carriers.Length],
                Surnames[rng.Next(Surnames.Length)] + GivenNames[rng.Next(GivenNames.Length)], $"139{rng.Next(10_000_000, 99_999_999)}", route));
        }

        return vehicles;
    }

    public static IReadOnlyList<GeneratedZone> GenerateZones(IReadOnlyList<GeneratedSite> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var zones = new List<GeneratedZone>();
        var (w, e, s, n) = OldTown;
        zones.Add(new GeneratedZone("rz-old-town", "古城历史街区", "old_town", "orange", Inset(w, e, s, n)));
        foreach (var site in sites)
        {
            // The block the site stands in: the streets west/south of it, one spacing on.
            var (east, north) = CityLayoutInverse(site.Position);
            var i = (int)Math.Floor((east + 3875) / CityLayout.StreetSpacingM);
            var j = (int)Math.Floor((north + 2875) / CityLayout.StreetSpacingM);
            var kind = site.Kind == "hospital" ? "hospital" : "school";
            zones.Add(new GeneratedZone($"rz-{site.Id}", site.Name + "禁行区", kind, "red", Inset(i, i + 1, j, j + 1)));
        }

        return zones;
    }

    public static byte[] VehiclesToUtf8(IReadOnlyList<GeneratedVehicle> vehicles) => FeatureCollectionWriter.ToUtf8(vehicles, 1200, (w, v) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", v.Id);
        WriteGeometry(w, "LineString", v.Route, ring: false);
        w.WriteStartObject("properties");
        w.WriteString("id", v.Id);
        w.WriteString("name", v.Name);
        w.WriteString("plate", v.Plate);
        w.WriteString("cargo", v.Cargo);
        w.WriteString("cargoName", v.CargoName);
        w.WriteString("carrier", v.Carrier);
        w.WriteStartObject("driver");
        w.WriteString("name", v.DriverName);
        w.WriteString("phone", v.DriverPhone);
        w.WriteEndObject();
        w.WriteString("inherentLevel", "orange");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static byte[] ZonesToUtf8(IReadOnlyList<GeneratedZone> zones) => FeatureCollectionWriter.ToUtf8(zones, 300, (w, z) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", z.Id);
        WriteGeometry(w, "Polygon", z.Ring, ring: true);
        w.WriteStartObject("properties");
        w.WriteString("id", z.Id);
        w.WriteString("name", z.Name);
        w.WriteString("kind", z.Kind);
        w.WriteString("level", z.Level);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static GeoPosition Junction(int i, int j) => CityLayout.ToGeo(CityLayout.NorthSouthStreetEastM(i), CityLayout.EastWestStreetNorthM(j));

    private static List<GeoPosition> Inset(int westStreet, int eastStreet, int southStreet, int northStreet)
    {
        var x0 = CityLayout.NorthSouthStreetEastM(westStreet) + ZoneInsetM;
        var x1 = CityLayout.NorthSouthStreetEastM(eastStreet) - ZoneInsetM;
        var y0 = CityLayout.EastWestStreetNorthM(southStreet) + ZoneInsetM;
        var y1 = CityLayout.EastWestStreetNorthM(northStreet) - ZoneInsetM;
        return [CityLayout.ToGeo(x0, y0), CityLayout.ToGeo(x1, y0), CityLayout.ToGeo(x1, y1), CityLayout.ToGeo(x0, y1), CityLayout.ToGeo(x0, y0)];
    }

    private static (double EastM, double NorthM) CityLayoutInverse(GeoPosition p) =>
        ((p.Lon - CityLayout.CentreLon) * 111_320 * Math.Cos(CityLayout.CentreLat * Math.PI / 180), (p.Lat - CityLayout.CentreLat) * 111_320);

    private static void WriteGeometry(Utf8JsonWriter w, string type, IReadOnlyList<GeoPosition> points, bool ring)
    {
        w.WriteStartObject("geometry");
        w.WriteString("type", type);
        w.WriteStartArray("coordinates");
        if (ring)
        {
            w.WriteStartArray();
        }

        foreach (var p in points)
        {
            w.WriteStartArray();
            w.WriteNumberValue(p.Lon);
            w.WriteNumberValue(p.Lat);
            w.WriteEndArray();
        }

        if (ring)
        {
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
