using System.Text.Json;

namespace RiskMonitor.Simulator.City;

/// <summary>A school, hospital or kindergarten of the demo city (敏感目标), as a point at its main gate.</summary>
internal sealed record GeneratedSite(string Id, string Name, string Kind, GeoPosition Position);

/// <summary>
/// Places the demo city's sensitive sites: schools, kindergartens and hospitals in the residential and commercial
/// districts, never in the chemical park. Each stands 40 m inside a block from one of its streets, so the pipeline
/// under that street is within the server's default 100 m radius and the ones a block away are not. Deterministic.
/// </summary>
internal static class SensitiveSiteGenerator
{
    private static readonly (string Kind, string Suffix, int Count)[] Kinds =
        [("school", "小学", 14), ("school", "中学", 8), ("kindergarten", "幼儿园", 10), ("hospital", "医院", 6)];

    private static readonly string[] Stems =
    [
        "文澜", "求是", "胜利", "天长", "崇文", "学军", "保俶塔", "行知", "春芽", "钱塘", "濮家", "景华", "安吉路", "笕桥",
        "长河", "江南", "西溪", "丁兰", "东城", "育才", "青蓝", "朝晖", "明珠", "星辰", "树人", "湖滨", "运河", "采荷",
        "大关", "德胜", "申花", "翠苑", "古荡", "三墩", "留下", "闻涛", "滨文", "江晖", "浦沿", "长江",
    ];

    public static IReadOnlyList<GeneratedSite> Generate(int seed)
    {
        var rng = new Random(unchecked((seed * 7919) + (6 * 104_729)));
        var blocks = new List<(int I, int J)>();
        for (var i = 1; i < CityLayout.NorthSouthStreetCount - 2; i++)
        {
            for (var j = 1; j < CityLayout.EastWestStreetCount - 2; j++)
            {
                var district = CityLayout.DistrictAt(CityLayout.NorthSouthStreetEastM(i) + 125, CityLayout.EastWestStreetNorthM(j) + 125);
                if (!district.IsIndustrial)
                {
                    blocks.Add((i, j));
                }
            }
        }

        var order = blocks.ToArray();
        rng.Shuffle(order);
        var names = new HashSet<string>();
        var sites = new List<GeneratedSite>();
        var next = 0;
        foreach (var (kind, suffix, count) in Kinds)
        {
            for (var k = 0; k < count; k++)
            {
                var (i, j) = order[next++];
                string name;
                do
                {
                    name = Stems[rng.Next(Stems.Length)] + suffix;
                }
                while (!names.Add(name));

                // 40 m in from the block's west or south street, half-way along it.
                var west = rng.Next(2) == 0;
                var east = CityLayout.NorthSouthStreetEastM(i) + (west ? 40 : 125);
                var north = CityLayout.EastWestStreetNorthM(j) + (west ? 125 : 40);
                sites.Add(new GeneratedSite($"ss-{sites.Count + 1:000}", name, kind, CityLayout.ToGeo(east, north)));
            }
        }

        return sites;
    }

    public static byte[] ToUtf8(IReadOnlyList<GeneratedSite> sites) => FeatureCollectionWriter.ToUtf8(sites, 200, (w, site) =>
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", site.Id);
        w.WriteStartObject("geometry");
        w.WriteString("type", "Point");
        w.WriteStartArray("coordinates");
        w.WriteNumberValue(site.Position.Lon);
        w.WriteNumberValue(site.Position.Lat);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("id", site.Id);
        w.WriteString("name", site.Name);
        w.WriteString("kind", site.Kind);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
