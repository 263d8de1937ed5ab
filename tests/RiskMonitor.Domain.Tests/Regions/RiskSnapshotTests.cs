using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Tests.Regions;

public sealed class RiskSnapshotTests
{
    /// <summary>Points in each grid, an elevator, and a pipeline from g-a2 (its midpoint) across into g-b1.</summary>
    private static readonly AssetDefinition[] Assets =
    [
        TestRegions.Asset("gp-a1", TestRegions.Point(0.5, 1)) with { InherentLevel = RiskColour.Yellow },
        TestRegions.Asset("gp-a2", TestRegions.Point(1.5, 1)),
        TestRegions.Asset("gp-cross", TestRegions.Line((1.2, 1), (2.6, 1))),
        TestRegions.Asset("gp-b1", TestRegions.Point(2.5, 1)),
        TestRegions.Asset("el-b2", TestRegions.Point(3.5, 1)) with { Industry = "special_equipment", Kind = "elevator" },
        TestRegions.Asset("gp-out", TestRegions.Point(9, 9)),
    ];

    private static readonly RegionMap Map = RegionMap.Build(TestRegions.City, Assets);

    [Fact]
    public void With_no_warnings_the_snapshot_is_the_starting_map()
    {
        var snapshot = RiskSnapshot.Compute(Map, new Dictionary<string, WarningLevel>());

        Assert.Equal(["d-a", "d-b", RegionIndex.UnassignedId], snapshot.Districts.Select(d => d.RegionId));
        Assert.Equal(Map.InitialTallyOf("city"), snapshot.City);
        Assert.All(snapshot.Districts, d => Assert.Equal(Map.InitialTallyOf(d.RegionId), d.Tally));
    }

    [Fact]
    public void A_pipeline_is_counted_in_the_district_of_its_midpoint_and_colours_the_one_it_crosses()
    {
        var snapshot = RiskSnapshot.Compute(Map, new Dictionary<string, WarningLevel> { ["gp-cross"] = WarningLevel.Red });

        var a = snapshot.Districts.Single(d => d.RegionId == "d-a").Tally.Dynamic;
        var b = snapshot.Districts.Single(d => d.RegionId == "d-b").Tally.Dynamic;
        Assert.Equal(new ColourCounts(Blue: 1, Yellow: 1, Orange: 0, Red: 1), a.Counts);
        Assert.Equal(RiskColour.Red, b.Highest); // crossed, so coloured
        Assert.Equal(0, b.Counts.Red); // but not counted twice
        Assert.Equal(1, snapshot.City.Dynamic.Counts.Red);
    }

    [Fact]
    public void Random_levels_give_the_counts_of_a_brute_force_count_per_district_and_industry()
    {
        var random = new Random(6);
        var levels = Enum.GetValues<WarningLevel>();
        for (var round = 0; round < 200; round++)
        {
            var at = Assets.ToDictionary(a => a.Id, _ => levels[random.Next(levels.Length)]);

            var snapshot = RiskSnapshot.Compute(Map, at);

            foreach (var district in snapshot.Districts)
            {
                Assert.Equal(BruteForce(at, a => DistrictOf(a) == district.RegionId, dynamic: true), district.Tally.Dynamic.Counts);
                Assert.Equal(BruteForce(at, a => DistrictOf(a) == district.RegionId, dynamic: false), district.Tally.Inherent.Counts);
            }

            foreach (var industry in new[] { "gas", "special_equipment" })
            {
                Assert.Equal(BruteForce(at, a => a.Industry == industry, dynamic: true), snapshot.City.Dynamic.ByIndustry[industry].Counted);
                Assert.Equal(BruteForce(at, a => a.Industry == industry, dynamic: false), snapshot.City.Inherent.ByIndustry[industry].Counted);
            }
        }
    }

    [Fact]
    public void Without_a_region_file_the_rows_are_the_regions_the_registry_names()
    {
        var flat = RegionMap.Build(RegionIndex.Empty, [TestRegions.Asset("gp-1", TestRegions.Point(0, 0), "d-east"), TestRegions.Asset("gp-2", TestRegions.Point(0, 0), "d-west")]);

        var snapshot = RiskSnapshot.Compute(flat, new Dictionary<string, WarningLevel> { ["gp-2"] = WarningLevel.Orange });

        Assert.Equal(["d-east", "d-west"], snapshot.Districts.Select(d => d.RegionId));
        Assert.Equal(new ColourCounts(Blue: 1, Yellow: 0, Orange: 1, Red: 0), snapshot.City.Dynamic.Counts);
    }

    private static string DistrictOf(AssetDefinition asset)
    {
        Map.TryGetPlacement(asset.Id, out var placement);
        var grid = placement!.Grids[0];
        return grid == RegionIndex.UnassignedId ? grid : TestRegions.City.AncestorsOf(grid).Single(r => r.Level == RegionLevel.District).Id;
    }

    private static ColourCounts BruteForce(Dictionary<string, WarningLevel> levels, Func<AssetDefinition, bool> include, bool dynamic)
    {
        var counts = new ColourCounts();
        foreach (var asset in Assets.Where(include))
        {
            counts = counts.Add(dynamic ? RiskLevels.ColourOf(asset.InherentLevel, levels[asset.Id]) : asset.InherentLevel, 1);
        }

        return counts;
    }
}
