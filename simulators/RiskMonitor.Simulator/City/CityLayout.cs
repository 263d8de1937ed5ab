namespace RiskMonitor.Simulator.City;

/// <summary>
/// The fixed geography of the demo city: a local metre frame around (120.15 E, 30.25 N), a 250 m street grid and
/// five districts whose borders run along main roads, so that no street segment straddles two districts.
/// </summary>
internal static class CityLayout
{
    public const double CentreLon = 120.15;
    public const double CentreLat = 30.25;
    public const string IndustrialDistrictId = "d-industrial";

    public const double StreetSpacingM = 250;

    /// <summary>North-south streets sit at east = -3875 + 250 i.</summary>
    public const int NorthSouthStreetCount = 32;

    /// <summary>East-west streets sit at north = -2875 + 250 j.</summary>
    public const int EastWestStreetCount = 24;

    public const double CityMinEastM = -4000;
    public const double CityMaxEastM = 4000;
    public const double CityMinNorthM = -3000;
    public const double CityMaxNorthM = 3000;

    // District borders, each on a main road (street index % 4 == 1).
    public const double WestBorderEastM = -625;       // north-south street 13 (中河路)
    public const double IndustrialBorderEastM = 2375; // north-south street 25 (临江路)
    public const double NorthBorderNorthM = 375;      // east-west street 13 (凤起路)
    public const double SouthBorderNorthM = -1625;    // east-west street 5 (闻涛路)

    // Spherical approximation; good to well under a metre across 8 km, which is all a demo needs.
    private const double MetresPerDegreeLat = 111_320;
    private static readonly double MetresPerDegreeLon = 111_320 * Math.Cos(CentreLat * Math.PI / 180);

    /// <summary>The districts; together they tile the plane (the outer ones are open-ended), so every point has one.</summary>
    public static IReadOnlyList<District> Districts { get; } =
    [
        new("d-xihu", "西湖区", double.NegativeInfinity, WestBorderEastM, SouthBorderNorthM, double.PositiveInfinity, 0.2),
        new("d-gongshu", "拱墅区", WestBorderEastM, double.PositiveInfinity, NorthBorderNorthM, double.PositiveInfinity, 0.25),
        new("d-shangcheng", "上城区", WestBorderEastM, IndustrialBorderEastM, SouthBorderNorthM, NorthBorderNorthM, 0.5),
        new(IndustrialDistrictId, "临江化工园区", IndustrialBorderEastM, double.PositiveInfinity, double.NegativeInfinity, NorthBorderNorthM, 0),
        new("d-binjiang", "滨江区", double.NegativeInfinity, IndustrialBorderEastM, double.NegativeInfinity, SouthBorderNorthM, 0.3),
    ];

    /// <summary>West to east.</summary>
    public static IReadOnlyList<string> NorthSouthStreetNames { get; } =
    [
        "留和路", "紫金港路", "古墩路", "丰潭路", "紫荆花路", "古翠路", "莫干山路", "学院路", "教工路", "保俶路",
        "湖墅路", "上塘路", "延安路", "中河路", "建国路", "秋石路", "东新路", "新塘路", "机场路", "艮山路",
        "九堡路", "笕桥路", "三新路", "下沙路", "运河路", "临江路", "江东路", "化工路", "经一路", "经二路",
        "经三路", "海塘路",
    ];

    /// <summary>South to north.</summary>
    public static IReadOnlyList<string> EastWestStreetNames { get; } =
    [
        "滨康路", "江晖路", "滨盛路", "江南大道", "长河路", "闻涛路", "之江路", "望江路", "秋涛路", "河坊街",
        "西湖大道", "解放路", "庆春路", "凤起路", "体育场路", "天目山路", "文三路", "文二路", "文一路", "德胜路",
        "大关路", "石祥路", "留石路", "半山路",
    ];

    public static double NorthSouthStreetEastM(int i) => -3875 + StreetSpacingM * i;

    public static double EastWestStreetNorthM(int j) => -2875 + StreetSpacingM * j;

    public static bool IsMainRoad(int streetIndex) => streetIndex % 4 == 1;

    public static District DistrictAt(double eastM, double northM)
    {
        foreach (var district in Districts)
        {
            if (district.Contains(eastM, northM))
            {
                return district;
            }
        }

        throw new InvalidOperationException("The districts tile the plane; this cannot happen.");
    }

    public static District District(string id) => Districts.Single(d => d.Id == id);

    /// <summary>Local metres to WGS84, rounded to 6 decimals (about 0.1 m), which keeps the file small.</summary>
    public static GeoPosition ToGeo(double eastM, double northM) =>
        new(Math.Round(CentreLon + eastM / MetresPerDegreeLon, 6), Math.Round(CentreLat + northM / MetresPerDegreeLat, 6));

    /// <summary>WGS84 back to local metres (the inverse of <see cref="ToGeo"/>, up to its rounding).</summary>
    public static (double EastM, double NorthM) ToLocal(GeoPosition position) =>
        ((position.Lon - CentreLon) * MetresPerDegreeLon, (position.Lat - CentreLat) * MetresPerDegreeLat);

    /// <summary>The city's corners in WGS84, for the README.</summary>
    public static (GeoPosition SouthWest, GeoPosition NorthEast) Bounds =>
        (ToGeo(CityMinEastM, CityMinNorthM), ToGeo(CityMaxEastM, CityMaxNorthM));
}

/// <summary>A WGS84 position, GeoJSON order.</summary>
internal readonly record struct GeoPosition(double Lon, double Lat);
