namespace RiskMonitor.Simulator.City;

/// <summary>
/// Builds the demo city's grid hierarchy (城市 -> 区 -> 街道 -> 社区 -> 网格) from a seed. A grid is one street block,
/// bounded by the streets around it (the usual way grids are drawn), so point assets sit inside one grid and pipelines
/// under a street lie on the border of two. The outer 125 m strips of the city join their neighbouring blocks.
/// Districts keep the asset file's ids and borders (d-xihu, ...); a street (街道) groups about 4 x 4 blocks and a
/// community (社区) about 2 x 2. Pure and deterministic: the same seed gives the same file on every machine.
/// </summary>
internal static class RegionGenerator
{
    public const string CityId = "c-demo";

    private static readonly string[] StreetStems =
    [
        "北山", "西溪", "灵隐", "翠苑", "古荡", "文新", "蒋村", "转塘", "留下", "三墩", "双浦", "之江", "米市巷", "湖墅",
        "小河", "和睦", "大关", "祥符", "拱宸桥", "上塘", "半山", "康桥", "石桥", "东新", "湖滨", "清波", "小营", "望江",
        "紫阳", "南星", "采荷", "凯旋", "闸弄口", "四季青", "笕桥", "彭埠", "九堡", "丁兰", "长河", "西兴", "浦沿", "白马湖",
        "临江", "江东", "新湾", "河庄", "义蓬", "南阳", "瓜沥", "党湾", "益农", "衙前", "坎山", "靖江", "宁围", "新街",
        "城厢", "北干", "蜀山", "闻堰", "新塘", "所前", "楼塔", "河上", "戴村", "浦阳", "进化", "临浦",
    ];

    private static readonly string[] CommunityStems =
    [
        "松木场", "保俶", "曙光", "玉泉", "桂花", "竹竿巷", "文鼎", "嘉绿", "学院", "求是", "紫荆", "香樟", "银杏", "梧桐",
        "丹桂", "秋涛", "钱江", "新风", "明月", "星洲", "枫林", "翠柏", "东园", "西园", "南苑", "北苑", "锦绣", "春晖",
        "朝晖", "长寿", "和平", "德胜", "新华", "光明", "青年", "潮鸣", "建新", "景华", "华丰", "水墨", "闻涛", "江晖",
        "滨盛", "长江", "协同", "白云", "湖畔", "云栖", "茶园", "龙井", "梅家坞", "满觉陇", "虎跑", "六和", "九溪", "灵山",
    ];

    private static readonly string[] CommunitySuffixes = ["社区", "新村社区", "花园社区", "东社区", "西社区"];

    private static readonly string[] Surnames =
        ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "沈", "钱", "蒋", "俞"];

    private static readonly string[] GivenNames =
    [
        "伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕",
        "丽萍", "晓东", "国平", "文斌", "建国", "佳怡", "子豪", "雨涵", "俊杰", "思远",
    ];

    public static IReadOnlyList<GeneratedRegion> Generate(int seed)
    {
        var rng = new Random(unchecked((seed * 7919) + (5 * 104_729)));
        var columns = Edges(CityLayout.CityMinEastM, CityLayout.CityMaxEastM, i => CityLayout.NorthSouthStreetEastM(i), CityLayout.NorthSouthStreetCount);
        var rows = Edges(CityLayout.CityMinNorthM, CityLayout.CityMaxNorthM, j => CityLayout.EastWestStreetNorthM(j), CityLayout.EastWestStreetCount);
        var regions = new List<GeneratedRegion>
        {
            new(CityId, "演示市", "city", null, Person(rng), CityLayout.CityMinEastM, CityLayout.CityMinNorthM, CityLayout.CityMaxEastM, CityLayout.CityMaxNorthM),
        };

        var streetStems = StreetStems.ToArray();
        rng.Shuffle(streetStems);
        var communityStems = CommunityStems;
        var usedCommunityNames = new HashSet<string>();
        var streetNumber = 0;
        foreach (var district in CityLayout.Districts)
        {
            // The district's blocks form a rectangle of block columns and rows (its borders run along main roads).
            var districtColumns = Enumerable.Range(0, columns.Length - 1).Where(c => ContainsColumn(district, columns, c)).ToList();
            var districtRows = Enumerable.Range(0, rows.Length - 1).Where(r => ContainsRow(district, rows, r)).ToList();
            var (c0, c1) = (districtColumns[0], districtColumns[^1] + 1);
            var (r0, r1) = (districtRows[0], districtRows[^1] + 1);
            regions.Add(new(district.Id, district.Name, "district", CityId, Person(rng), columns[c0], rows[r0], columns[c1], rows[r1]));

            var shortId = district.Id["d-".Length..];
            var streetIndex = 0;
            foreach (var (sr0, sr1) in Chunks(r0, r1, 4).Reverse()) // north to south, as a map is read
            {
                foreach (var (sc0, sc1) in Chunks(c0, c1, 4))
                {
                    var streetId = $"st-{shortId}-{++streetIndex:00}";
                    var streetName = streetStems[streetNumber++ % streetStems.Length] + "街道";
                    regions.Add(new(streetId, streetName, "street", district.Id, Person(rng), columns[sc0], rows[sr0], columns[sc1], rows[sr1]));

                    var communityIndex = 0;
                    foreach (var (mr0, mr1) in Chunks(sr0, sr1, 2).Reverse())
                    {
                        foreach (var (mc0, mc1) in Chunks(sc0, sc1, 2))
                        {
                            var communityId = $"cm-{shortId}-{streetIndex:00}-{++communityIndex}";
                            string communityName;
                            do
                            {
                                communityName = communityStems[rng.Next(communityStems.Length)] + CommunitySuffixes[rng.Next(CommunitySuffixes.Length)];
                            }
                            while (!usedCommunityNames.Add(communityName));

                            regions.Add(new(communityId, communityName, "community", streetId, Person(rng), columns[mc0], rows[mr0], columns[mc1], rows[mr1]));
                            var gridIndex = 0;
                            for (var r = mr1 - 1; r >= mr0; r--)
                            {
                                for (var c = mc0; c < mc1; c++)
                                {
                                    gridIndex++;
                                    regions.Add(new($"g-{shortId}-{streetIndex:00}-{communityIndex}-{gridIndex}", $"{communityName}第{gridIndex}网格", "grid", communityId,
                                        Person(rng), columns[c], rows[r], columns[c + 1], rows[r + 1]));
                                }
                            }
                        }
                    }
                }
            }
        }

        return regions;
    }

    /// <summary>Block edges along one axis: the city's edge, every street but the outermost, the city's other edge.</summary>
    private static double[] Edges(double min, double max, Func<int, double> street, int count) =>
        [min, .. Enumerable.Range(1, count - 2).Select(street), max];

    private static double Mid(double[] edges, int k) => (edges[k] + edges[k + 1]) / 2;

    private static bool ContainsColumn(District d, double[] columns, int c) => Mid(columns, c) >= d.MinEastM && Mid(columns, c) < d.MaxEastM;

    private static bool ContainsRow(District d, double[] rows, int r) => Mid(rows, r) >= d.MinNorthM && Mid(rows, r) < d.MaxNorthM;

    /// <summary>Splits [from, to) into ceil(n / size) runs of near-equal length.</summary>
    private static IEnumerable<(int From, int To)> Chunks(int from, int to, int size)
    {
        var n = to - from;
        var parts = Math.Max(1, (int)Math.Ceiling(n / (double)size));
        for (var k = 0; k < parts; k++)
        {
            yield return (from + (n * k / parts), from + (n * (k + 1) / parts));
        }
    }

    /// <summary>A fictional person; 0571-0xxxxxxx numbers cannot ring a real line (local numbers never start with 0).</summary>
    private static ResponsiblePerson Person(Random rng) =>
        new(Surnames[rng.Next(Surnames.Length)] + GivenNames[rng.Next(GivenNames.Length)], $"0571-0{rng.Next(1_000_000, 10_000_000)}");
}
