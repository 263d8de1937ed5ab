using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Tests.Regions;

public sealed class RegionTalliesTests
{
    /// <summary>Points in each grid, an elevator, a pipeline from g-a2 across into g-b1, and one outside the city.</summary>
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
    public void A_red_pipeline_turns_both_grids_it_crosses_and_every_ancestor_red_and_back_when_it_clears()
    {
        var tallies = new RegionTallies(Map);

        var changed = tallies.SetAssetLevel("gp-cross", WarningLevel.Red);

        Assert.Equal(["city", "d-a", "d-b", "g-a2", "g-b1", "st-a", "st-b"], changed.Order(StringComparer.Ordinal));
        Assert.All(changed, id => Assert.Equal(RiskColour.Red, tallies.TallyOf(id).Dynamic.Highest));
        Assert.Equal(1, tallies.TallyOf("city").Dynamic.Counts.Red); // counted once, in the grid of its midpoint
        Assert.Equal(Map.InitialTallyOf("g-a1"), tallies.TallyOf("g-a1"));

        tallies.SetAssetLevel("gp-cross", WarningLevel.None);

        Assert.All(Map.Index.Regions, r => Assert.Equal(Map.InitialTallyOf(r.Id), tallies.TallyOf(r.Id)));
    }

    [Fact]
    public void A_level_that_leaves_the_colour_as_it_was_changes_no_region()
    {
        var tallies = new RegionTallies(Map);

        Assert.Empty(tallies.SetAssetLevel("gp-a1", WarningLevel.Blue)); // a yellow asset with a blue warning is still yellow
        Assert.Empty(tallies.SetAssetLevel("not-registered", WarningLevel.Red));
    }

    [Fact]
    public void Levels_set_one_by_one_in_any_order_give_the_summaries_of_a_snapshot_computed_from_scratch()
    {
        var random = new Random(18);
        var levels = Enum.GetValues<WarningLevel>();
        var tallies = new RegionTallies(Map);
        var current = Assets.ToDictionary(a => a.Id, _ => WarningLevel.None);
        for (var step = 0; step < 500; step++)
        {
            var asset = Assets[random.Next(Assets.Length)].Id;
            current[asset] = levels[random.Next(levels.Length)];
            tallies.SetAssetLevel(asset, current[asset]);

            var snapshot = RiskSnapshot.Compute(Map, current);
            Assert.Equal(snapshot.City, tallies.TallyOf("city"));
            Assert.All(snapshot.Districts, d => Assert.Equal(d.Tally, tallies.TallyOf(d.RegionId)));
        }
    }
}
