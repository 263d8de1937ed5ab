namespace RiskMonitor.Simulator.City;

/// <summary>
/// Builds the fictional demo city's assets from a seed: pipelines along the street grid, elevators in residential and
/// commercial compounds, hazard sources in the chemical park and gas stations on main roads. Pure and deterministic:
/// the same seed gives the same list on every machine (<see cref="Random(int)"/> with a seed is a stable algorithm).
/// </summary>
internal static class CityGenerator
{
    public const int DefaultSeed = 42;

    // 2..6 street blocks of 250 m: pipelines of 500-1500 m.
    private const int MinPipelineEdges = 2;
    private const int MaxPipelineEdges = 6;
    private const int TargetElevatorCount = 700;
    private const int GasStationCount = 10;

    private const int HorizontalEdgesPerRow = CityLayout.NorthSouthStreetCount - 1;
    private const int HorizontalEdgeCount = HorizontalEdgesPerRow * CityLayout.EastWestStreetCount;
    private const int VerticalEdgesPerColumn = CityLayout.EastWestStreetCount - 1;
    private const int EdgeCount = HorizontalEdgeCount + VerticalEdgesPerColumn * CityLayout.NorthSouthStreetCount;

    public static IReadOnlyList<GeneratedAsset> Generate(int seed)
    {
        // Each section draws from its own generator, so retuning one (say, more elevators) leaves the others unchanged.
        var assets = new List<GeneratedAsset>();
        assets.AddRange(GeneratePipelines(SectionRandom(seed, 1)));
        assets.AddRange(GenerateElevators(SectionRandom(seed, 2)));
        assets.AddRange(GenerateHazardSources(SectionRandom(seed, 3)));
        assets.AddRange(GenerateGasStations(SectionRandom(seed, 4)));
        return assets;
    }

    private static Random SectionRandom(int seed, int section) => new(unchecked((seed * 7919) + (section * 104_729)));

    // ---- gas pipelines ---------------------------------------------------------------------------------------------

    private readonly record struct Node(int I, int J)
    {
        public double EastM => CityLayout.NorthSouthStreetEastM(I);

        public double NorthM => CityLayout.EastWestStreetNorthM(J);
    }

    private static (Node A, Node B) EdgeEnds(int edge)
    {
        if (edge < HorizontalEdgeCount)
        {
            var (j, i) = Math.DivRem(edge, HorizontalEdgesPerRow);
            return (new Node(i, j), new Node(i + 1, j));
        }

        var (column, row) = Math.DivRem(edge - HorizontalEdgeCount, VerticalEdgesPerColumn);
        return (new Node(column, row), new Node(column, row + 1));
    }

    private static int HorizontalEdge(int i, int j) => (j * HorizontalEdgesPerRow) + i;

    private static int VerticalEdge(int i, int j) => HorizontalEdgeCount + (i * VerticalEdgesPerColumn) + j;

    private static IEnumerable<(int Edge, Node Other)> EdgesAt(Node n)
    {
        if (n.I > 0)
        {
            yield return (HorizontalEdge(n.I - 1, n.J), n with { I = n.I - 1 });
        }

        if (n.I < CityLayout.NorthSouthStreetCount - 1)
        {
            yield return (HorizontalEdge(n.I, n.J), n with { I = n.I + 1 });
        }

        if (n.J > 0)
        {
            yield return (VerticalEdge(n.I, n.J - 1), n with { J = n.J - 1 });
        }

        if (n.J < CityLayout.EastWestStreetCount - 1)
        {
            yield return (VerticalEdge(n.I, n.J), n with { J = n.J + 1 });
        }
    }

    private static District EdgeDistrict(int edge)
    {
        var (a, b) = EdgeEnds(edge);
        return CityLayout.DistrictAt((a.EastM + b.EastM) / 2, (a.NorthM + b.NorthM) / 2);
    }

    private static string EdgeStreet(int edge)
    {
        var (a, _) = EdgeEnds(edge);
        return edge < HorizontalEdgeCount ? CityLayout.EastWestStreetNames[a.J] : CityLayout.NorthSouthStreetNames[a.I];
    }

    private static List<GeneratedAsset> GeneratePipelines(Random rng)
    {
        // Every street segment carries at most one monitored pipeline, and a pipeline stays inside one district so
        // its regionId is unambiguous. Segments left over as singletons simply have no monitored main.
        var used = new bool[EdgeCount];
        var order = Enumerable.Range(0, EdgeCount).ToArray();
        rng.Shuffle(order);
        var perStreet = new Dictionary<string, int>();
        var people = new Dictionary<string, ResponsiblePerson[]>();
        var pipelines = new List<GeneratedAsset>();

        foreach (var first in order)
        {
            if (used[first])
            {
                continue;
            }

            var district = EdgeDistrict(first);
            var (a, b) = EdgeEnds(first);
            var path = new List<Node> { a, b };
            var edges = new List<int> { first };
            used[first] = true;
            var target = rng.Next(MinPipelineEdges, MaxPipelineEdges + 1);
            Extend(path, edges, used, district, target, rng);
            if (edges.Count < target)
            {
                path.Reverse();
                Extend(path, edges, used, district, target, rng);
            }

            if (edges.Count < MinPipelineEdges)
            {
                edges.ForEach(e => used[e] = false); // a later pipeline may still run through it
                continue;
            }

            var street = EdgeStreet(first);
            var number = perStreet[street] = perStreet.GetValueOrDefault(street) + 1;
            var material = Pick(rng, ("PE", 0.55), ("钢", 0.35), ("铸铁", 0.10));
            // The assessor's level, before the material: old cast-iron mains leak at joints and so rate higher, but the
            // server's InherentLevelRule adds that step itself (decision 0041), so a cast-iron main is assessed like a
            // steel one here; raising it here too would count the cast iron twice (decision 0048).
            var inherent = material switch
            {
                "PE" => Pick(rng, ("blue", 0.8), ("yellow", 0.18), ("orange", 0.02)),
                _ => Pick(rng, ("blue", 0.65), ("yellow", 0.25), ("orange", 0.08), ("red", 0.02)),
            };
            var pool = people.TryGetValue(district.Id, out var existing)
                ? existing
                : people[district.Id] = [Person(rng), Person(rng), Person(rng), Person(rng)];

            pipelines.Add(new GeneratedAsset(
                Id: $"gp-{pipelines.Count + 1:0000}",
                Kind: "gas_pipeline",
                Name: $"{street}燃气管段{number}",
                Industry: "gas",
                InherentLevel: inherent,
                HazardGrade: null,
                OwnerUnit: $"城投燃气集团{district.Name}分公司",
                Responsible: pool[rng.Next(pool.Length)],
                RegionId: district.Id,
                ReportingIntervalSeconds: 5,
                Coordinates: PipelineVertices(path, rng),
                IsLine: true,
                LengthM: (int)Math.Round(edges.Count * CityLayout.StreetSpacingM),
                Material: material));
        }

        return pipelines;
    }

    private static void Extend(List<Node> path, List<int> edges, bool[] used, District district, int target, Random rng)
    {
        while (edges.Count < target)
        {
            var tail = path[^1];
            var previous = path[^2];
            var straightOn = new Node(tail.I + (tail.I - previous.I), tail.J + (tail.J - previous.J));
            var candidates = EdgesAt(tail)
                .Where(c => !used[c.Edge] && !path.Contains(c.Other) && EdgeDistrict(c.Edge) == district)
                .ToList();
            if (candidates.Count == 0)
            {
                return;
            }

            // Mains mostly run straight along a street and turn now and then at a junction.
            var straight = candidates.FindIndex(c => c.Other == straightOn);
            var chosen = straight >= 0 && rng.NextDouble() < 0.75 ? candidates[straight] : candidates[rng.Next(candidates.Count)];
            path.Add(chosen.Other);
            edges.Add(chosen.Edge);
            used[chosen.Edge] = true;
        }
    }

    private static List<GeoPosition> PipelineVertices(List<Node> path, Random rng)
    {
        // Junctions plus two intermediate vertices per block (bends and valve wells a metre or two off the line),
        // so a pipeline looks like surveyed GIS data rather than a ruler line.
        var vertices = new List<GeoPosition> { CityLayout.ToGeo(path[0].EastM, path[0].NorthM) };
        for (var k = 1; k < path.Count; k++)
        {
            var (from, to) = (path[k - 1], path[k]);
            var horizontal = from.J == to.J;
            foreach (var fraction in (ReadOnlySpan<double>)[1.0 / 3, 2.0 / 3])
            {
                var east = from.EastM + ((to.EastM - from.EastM) * fraction);
                var north = from.NorthM + ((to.NorthM - from.NorthM) * fraction);
                var lateral = (rng.NextDouble() - 0.5) * 3;
                vertices.Add(horizontal ? CityLayout.ToGeo(east, north + lateral) : CityLayout.ToGeo(east + lateral, north));
            }

            vertices.Add(CityLayout.ToGeo(to.EastM, to.NorthM));
        }

        return vertices;
    }

    // ---- elevators -------------------------------------------------------------------------------------------------

    private static readonly string[] CompoundPrefixes =
    [
        "西溪", "翠苑", "金沙", "丰潭", "文鼎", "紫金", "湖畔", "望江", "钱塘", "运河", "星洲", "嘉绿", "蓝庭", "桂花",
        "白云", "青枫", "锦绣", "和睦", "朝晖", "三塘", "闻涛", "东信", "采荷", "景芳", "九莲", "古荡", "申花", "华丰",
        "春江", "明月", "南岸", "丹桂", "秋水", "香樟", "银杏", "云栖", "梧桐", "玉泉", "曙光", "信义",
    ];

    private static readonly string[] ResidentialSuffixes = ["花园", "家园", "公寓", "苑", "府", "名邸", "新村", "小区", "雅苑", "佳苑"];

    private static readonly string[] CommercialSuffixes = ["大厦", "广场", "中心", "国际", "商务楼"];

    private static readonly string[] PropertyCompanies =
    [
        "安居物业服务有限公司", "绿洲物业服务有限公司", "恒泰物业管理有限公司", "宜家园物业管理有限公司", "锦城物业服务有限公司",
        "湖滨商业物业管理有限公司", "钱江物业服务有限公司",
    ];

    private static List<GeneratedAsset> GenerateElevators(Random rng)
    {
        var blocks = new List<(int I, int J, District District)>();
        for (var i = 0; i < CityLayout.NorthSouthStreetCount - 1; i++)
        {
            for (var j = 0; j < CityLayout.EastWestStreetCount - 1; j++)
            {
                var district = CityLayout.DistrictAt(
                    (CityLayout.NorthSouthStreetEastM(i) + CityLayout.NorthSouthStreetEastM(i + 1)) / 2,
                    (CityLayout.EastWestStreetNorthM(j) + CityLayout.EastWestStreetNorthM(j + 1)) / 2);
                if (!district.IsIndustrial)
                {
                    blocks.Add((i, j, district));
                }
            }
        }

        var order = blocks.ToArray();
        rng.Shuffle(order);
        var names = new HashSet<string>();
        var elevators = new List<GeneratedAsset>();
        foreach (var (i, j, district) in order)
        {
            if (elevators.Count >= TargetElevatorCount)
            {
                break;
            }

            var commercial = rng.NextDouble() < district.CommercialShare;
            string compound;
            do
            {
                compound = CompoundPrefixes[rng.Next(CompoundPrefixes.Length)]
                    + (commercial ? CommercialSuffixes[rng.Next(CommercialSuffixes.Length)] : ResidentialSuffixes[rng.Next(ResidentialSuffixes.Length)]);
            }
            while (!names.Add(compound));

            var owner = PropertyCompanies[rng.Next(PropertyCompanies.Length)];
            var responsible = Person(rng);
            // Buildings stand on a 3 x 3 plot grid inside the 250 m block, clear of the streets.
            var plots = new (double East, double North)[9];
            for (var k = 0; k < plots.Length; k++)
            {
                plots[k] = (CityLayout.NorthSouthStreetEastM(i) + 45 + (80 * (k % 3)), CityLayout.EastWestStreetNorthM(j) + 45 + (80 * (k / 3)));
            }

            rng.Shuffle(plots);
            var buildingCount = commercial ? rng.Next(1, 3) : rng.Next(2, 7);
            for (var b = 0; b < buildingCount; b++)
            {
                var label = commercial ? $"{(char)('A' + b)}座" : $"{b + 1}幢";
                var floors = commercial ? rng.Next(18, 41) : rng.Next(11, 34);
                var count = commercial ? rng.Next(6, 11) : rng.Next(2, 5);
                var east = plots[b].East + ((rng.NextDouble() - 0.5) * 16);
                var north = plots[b].North + ((rng.NextDouble() - 0.5) * 16);
                for (var k = 1; k <= count; k++)
                {
                    // Cars of one building share its position, a metre or so apart, so the map shows one building
                    // while each car is still its own clickable asset.
                    var position = CityLayout.ToGeo(east + ((k - 1) * 1.2), north + ((rng.NextDouble() - 0.5) * 0.6));
                    elevators.Add(new GeneratedAsset(
                        Id: $"el-{elevators.Count + 1:0000}",
                        Kind: "elevator",
                        Name: $"{compound}{label}{k}号电梯",
                        Industry: "special_equipment",
                        InherentLevel: Pick(rng, ("blue", 0.8), ("yellow", 0.15), ("orange", 0.05)),
                        HazardGrade: null,
                        OwnerUnit: owner,
                        Responsible: responsible,
                        RegionId: district.Id,
                        ReportingIntervalSeconds: 10,
                        Coordinates: [position],
                        IsLine: false,
                        Building: compound + label,
                        Floors: floors));
                }
            }
        }

        return elevators;
    }

    // ---- hazard sources --------------------------------------------------------------------------------------------

    private sealed record Substance(string Name, string Vessel, (string Grade, double Weight)[] Grades);

    private sealed record Company(string ShortName, string FullName, Substance[] Substances);

    private static readonly Substance Chlorine = new("液氯", "储罐", [("一级", 0.5), ("二级", 0.5)]);
    private static readonly Substance Ammonia = new("液氨", "储罐", [("一级", 0.2), ("二级", 0.6), ("三级", 0.2)]);
    private static readonly Substance Lpg = new("液化石油气", "球罐", [("一级", 0.6), ("二级", 0.4)]);
    private static readonly Substance Propylene = new("丙烯", "球罐", [("一级", 0.3), ("二级", 0.5), ("三级", 0.2)]);
    private static readonly Substance EthyleneOxide = new("环氧乙烷", "储罐", [("一级", 0.4), ("二级", 0.6)]);
    private static readonly Substance VinylChloride = new("氯乙烯", "球罐", [("二级", 0.5), ("三级", 0.5)]);
    private static readonly Substance Methanol = new("甲醇", "储罐", [("二级", 0.2), ("三级", 0.6), ("四级", 0.2)]);
    private static readonly Substance Benzene = new("苯", "储罐", [("二级", 0.3), ("三级", 0.5), ("四级", 0.2)]);
    private static readonly Substance Toluene = new("甲苯", "储罐", [("三级", 0.6), ("四级", 0.4)]);
    private static readonly Substance Xylene = new("二甲苯", "储罐", [("三级", 0.5), ("四级", 0.5)]);

    private static readonly Company[] ChemicalCompanies =
    [
        new("江海化工", "临江江海化工有限公司", [Chlorine, Ammonia, Methanol]),
        new("恒远石化", "临江恒远石化有限公司", [Benzene, Xylene, Toluene, Propylene]),
        new("宏达氯碱", "临江宏达氯碱化工有限公司", [Chlorine, VinylChloride]),
        new("新安能源", "临江新安能源储运有限公司", [Lpg, Propylene]),
        new("东联化学", "临江东联化学有限公司", [EthyleneOxide, Methanol]),
        new("瑞丰精细化工", "临江瑞丰精细化工有限公司", [Toluene, Xylene, Ammonia]),
    ];

    private static List<GeneratedAsset> GenerateHazardSources(Random rng)
    {
        var park = CityLayout.District(CityLayout.IndustrialDistrictId);
        var blocks = new List<(int I, int J)>();
        for (var i = 0; i < CityLayout.NorthSouthStreetCount - 1; i++)
        {
            for (var j = 0; j < CityLayout.EastWestStreetCount - 1; j++)
            {
                if (park.Contains(CityLayout.NorthSouthStreetEastM(i) + 1, CityLayout.EastWestStreetNorthM(j) + 1)
                    && park.Contains(CityLayout.NorthSouthStreetEastM(i + 1) - 1, CityLayout.EastWestStreetNorthM(j + 1) - 1))
                {
                    blocks.Add((i, j));
                }
            }
        }

        var sites = blocks.ToArray();
        rng.Shuffle(sites);
        var hazards = new List<GeneratedAsset>();
        for (var c = 0; c < ChemicalCompanies.Length; c++)
        {
            var company = ChemicalCompanies[c];
            var (i, j) = sites[c];
            var safetyManager = Person(rng);
            var tankCount = rng.Next(12, 19);
            var grades = company.Substances.ToDictionary(s => s.Name, s => Pick(rng, s.Grades));
            var perSubstance = new Dictionary<string, int>();
            for (var t = 0; t < tankCount; t++)
            {
                // A tank farm is laid out in rows, 34 m apart (fire-code spacing), grouped by substance.
                var substance = company.Substances[t * company.Substances.Length / tankCount];
                var number = perSubstance[substance.Name] = perSubstance.GetValueOrDefault(substance.Name) + 1;
                var grade = grades[substance.Name];
                var east = CityLayout.NorthSouthStreetEastM(i) + 40 + (34 * (t % 5));
                var north = CityLayout.EastWestStreetNorthM(j) + 40 + (34 * (t / 5));
                hazards.Add(new GeneratedAsset(
                    Id: $"hz-{hazards.Count + 1:0000}",
                    Kind: "hazard_source",
                    Name: $"{company.ShortName}{substance.Name}{substance.Vessel}{number}",
                    Industry: "hazardous_chemicals",
                    InherentLevel: InherentForGrade(grade, rng),
                    HazardGrade: grade,
                    OwnerUnit: company.FullName,
                    Responsible: safetyManager,
                    RegionId: park.Id,
                    ReportingIntervalSeconds: 5,
                    Coordinates: [CityLayout.ToGeo(east, north)],
                    IsLine: false,
                    Substance: substance.Name,
                    Safety: SiteSafety.ForHazardSource(substance.Name, company.FullName, c, safetyManager)));
            }
        }

        return hazards;
    }

    // A grade-one major hazard source (一级重大危险源) is the most dangerous; its inherent risk is red.
    private static string InherentForGrade(string grade, Random rng) => grade switch
    {
        "一级" => "red",
        "二级" => Pick(rng, ("red", 0.5), ("orange", 0.5)),
        "三级" => Pick(rng, ("orange", 0.8), ("yellow", 0.2)),
        _ => Pick(rng, ("orange", 0.4), ("yellow", 0.6)),
    };

    // ---- gas stations ----------------------------------------------------------------------------------------------

    private static readonly string[] EnergyCompanies = ["城投清洁能源有限公司", "江南天然气销售有限公司", "钱塘能源发展有限公司"];

    private static List<GeneratedAsset> GenerateGasStations(Random rng)
    {
        var stations = new List<GeneratedAsset>();
        var placed = new List<(double East, double North)>();
        var names = new HashSet<string>();
        while (stations.Count < GasStationCount)
        {
            double east, north;
            string road;
            var side = rng.Next(2) == 0 ? -30 : 30; // on the forecourt beside the carriageway
            if (stations.Count % 2 == 0)
            {
                var i = MainRoad(rng, CityLayout.NorthSouthStreetCount);
                road = CityLayout.NorthSouthStreetNames[i];
                east = CityLayout.NorthSouthStreetEastM(i) + side;
                north = (rng.NextDouble() - 0.5) * 5400;
            }
            else
            {
                var j = MainRoad(rng, CityLayout.EastWestStreetCount);
                road = CityLayout.EastWestStreetNames[j];
                east = (rng.NextDouble() - 0.5) * 7400;
                north = CityLayout.EastWestStreetNorthM(j) + side;
            }

            var type = Pick(rng, ("CNG加气站", 0.3), ("LNG加气站", 0.3), ("加油加气站", 0.4));
            var name = road + type;
            if (placed.Any(p => Math.Abs(p.East - east) + Math.Abs(p.North - north) < 1000) || names.Contains(name))
            {
                continue;
            }

            placed.Add((east, north));
            names.Add(name);
            var stationIndex = stations.Count;
            stations.Add(new GeneratedAsset(
                Id: $"gs-{stations.Count + 1:0000}",
                Kind: "gas_station",
                Name: name,
                Industry: "gas",
                InherentLevel: Pick(rng, ("blue", 0.15), ("yellow", 0.5), ("orange", 0.35)),
                HazardGrade: null,
                OwnerUnit: EnergyCompanies[rng.Next(EnergyCompanies.Length)],
                Responsible: Person(rng),
                RegionId: CityLayout.DistrictAt(east, north).Id,
                ReportingIntervalSeconds: 5,
                Coordinates: [CityLayout.ToGeo(east, north)],
                IsLine: false));
            // After the draws above, so the station's other properties come out exactly as before.
            stations[^1] = stations[^1] with { Safety = SiteSafety.ForGasStation(name, stationIndex, stations[^1].Responsible) };
        }

        return stations;
    }

    private static int MainRoad(Random rng, int streetCount)
    {
        var mainRoads = Enumerable.Range(0, streetCount).Where(CityLayout.IsMainRoad).ToArray();
        return mainRoads[rng.Next(mainRoads.Length)];
    }

    // ---- people and picks ------------------------------------------------------------------------------------------

    private static readonly string[] Surnames =
        ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "沈", "钱", "蒋", "俞"];

    private static readonly string[] GivenNames =
    [
        "伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕",
        "丽萍", "晓东", "国平", "文斌", "建国", "佳怡", "子豪", "雨涵", "俊杰", "思远",
    ];

    /// <summary>
    /// A fictional person. Phone numbers are 0571-0xxxxxxx: Chinese local numbers never start with 0, so none of them
    /// can ring a real line.
    /// </summary>
    private static ResponsiblePerson Person(Random rng) =>
        new(Surnames[rng.Next(Surnames.Length)] + GivenNames[rng.Next(GivenNames.Length)], $"0571-0{rng.Next(1_000_000, 10_000_000)}");

    private static T Pick<T>(Random rng, params (T Value, double Weight)[] choices)
    {
        var roll = rng.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            roll -= weight;
            if (roll < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }
}
