using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Tests.Regions;

public sealed class RegionRollupTests
{
    private static RegionMember Gas(string id, RiskColour inherent, bool counted = true) => new(id, "gas", inherent, counted);

    private static RegionMember Elevator(string id, RiskColour inherent) => new(id, "special_equipment", inherent, true);

    [Fact]
    public void A_warning_moves_the_dynamic_layer_and_leaves_the_inherent_layer_alone()
    {
        var grid = new RegionRollup();
        grid.ReportAsset(Gas("gp-1", RiskColour.Blue), WarningLevel.None);
        grid.ReportAsset(Gas("gp-2", RiskColour.Yellow), WarningLevel.None);

        var changed = grid.ReportAsset(Gas("gp-1", RiskColour.Blue), WarningLevel.Red);

        Assert.True(changed);
        Assert.Equal(new ColourCounts(Blue: 1, Yellow: 1, Orange: 0, Red: 0), grid.Tally.Inherent.Counts);
        Assert.Equal(new ColourCounts(Blue: 0, Yellow: 1, Orange: 0, Red: 1), grid.Tally.Dynamic.Counts);
        Assert.Equal(RiskColour.Yellow, grid.Tally.Inherent.Highest);
        Assert.Equal(RiskColour.Red, grid.Tally.Dynamic.Highest);
    }

    [Fact]
    public void Counts_and_highest_colour_are_broken_down_by_industry()
    {
        var grid = new RegionRollup();
        grid.ReportAsset(Gas("gp-1", RiskColour.Blue), WarningLevel.Orange);
        grid.ReportAsset(Elevator("el-1", RiskColour.Yellow), WarningLevel.None);
        grid.ReportAsset(Elevator("el-2", RiskColour.Blue), WarningLevel.None);

        var dynamic = grid.Tally.Dynamic;

        Assert.Equal(["gas", "special_equipment"], dynamic.ByIndustry.Keys);
        Assert.Equal(RiskColour.Orange, dynamic.HighestOf("gas"));
        Assert.Equal(RiskColour.Yellow, dynamic.HighestOf("special_equipment"));
        Assert.Null(dynamic.HighestOf("hazardous_chemicals"));
        Assert.Equal(new ColourCounts(1, 1, 0, 0), dynamic.ByIndustry["special_equipment"].Counted);
        Assert.Equal(3, dynamic.Counts.Total);
    }

    [Fact]
    public void A_repeated_report_or_a_warning_below_the_inherent_colour_changes_nothing()
    {
        var grid = new RegionRollup();
        grid.ReportAsset(Gas("hz-1", RiskColour.Red), WarningLevel.None);

        var repeated = grid.ReportAsset(Gas("hz-1", RiskColour.Red), WarningLevel.None);
        var hidden = grid.ReportAsset(Gas("hz-1", RiskColour.Red), WarningLevel.Yellow); // max(red, yellow) is still red

        Assert.False(repeated);
        Assert.False(hidden);
        Assert.Equal(new ColourCounts(0, 0, 0, 1), grid.Tally.Dynamic.Counts);
        Assert.Equal(WarningLevel.Yellow, grid.Warnings["hz-1"]); // remembered, so that a later fall is right
    }

    [Fact]
    public void A_crossing_line_colours_the_grid_without_being_counted_in_it()
    {
        var grid = new RegionRollup();
        grid.ReportAsset(Gas("gp-1", RiskColour.Blue), WarningLevel.None);

        grid.ReportAsset(Gas("gp-9", RiskColour.Blue, counted: false), WarningLevel.Red);

        Assert.Equal(1, grid.Tally.Dynamic.Counts.Total);
        Assert.Equal(new ColourCounts(0, 0, 0, 1), grid.Tally.Dynamic.Crossing);
        Assert.Equal(RiskColour.Red, grid.Tally.Dynamic.Highest);
    }

    [Fact]
    public void A_parent_applies_child_summaries_as_deltas_and_ignores_repeats()
    {
        var a = new RegionRollup();
        var b = new RegionRollup();
        var parent = new RegionRollup();
        a.ReportAsset(Gas("gp-1", RiskColour.Blue), WarningLevel.None);
        b.ReportAsset(Elevator("el-1", RiskColour.Yellow), WarningLevel.None);
        parent.ReportChild("a", a.Tally);
        parent.ReportChild("b", b.Tally);

        a.ReportAsset(Gas("gp-1", RiskColour.Blue), WarningLevel.Red);
        var changed = parent.ReportChild("a", a.Tally);
        var repeated = parent.ReportChild("a", a.Tally);

        Assert.True(changed);
        Assert.False(repeated);
        Assert.Equal(new ColourCounts(0, 1, 0, 1), parent.Tally.Dynamic.Counts);
        Assert.Equal(new ColourCounts(1, 1, 0, 0), parent.Tally.Inherent.Counts);
        Assert.Equal(RiskColour.Red, parent.Tally.Dynamic.HighestOf("gas"));
    }

    [Fact]
    public void An_industry_that_leaves_a_region_leaves_no_empty_row()
    {
        var grid = new RegionRollup();
        grid.ReportAsset(Elevator("el-1", RiskColour.Blue), WarningLevel.None);

        grid.RemoveAsset("el-1");

        Assert.Empty(grid.Tally.Dynamic.ByIndustry);
        Assert.Equal(RegionTally.Empty, grid.Tally);
        Assert.Null(grid.Tally.Dynamic.Highest);
    }

    [Fact]
    public void Random_sequences_of_level_changes_roll_up_to_what_a_full_recompute_gives()
    {
        // Three grids under one street; a pipeline crosses two of them (counted in the first only).
        var random = new Random(2026);
        string[] industries = ["gas", "special_equipment", "hazardous_chemicals"];
        var assets = Enumerable.Range(0, 40).Select(i => (
            Id: $"a-{i}", Industry: industries[i % 3], Inherent: (RiskColour)(1 + random.Next(4)), Grids: i % 7 == 0 ? new[] { i % 3, (i + 1) % 3 } : [i % 3]))
            .ToList();
        var levels = assets.ToDictionary(a => a.Id, _ => WarningLevel.None);
        var grids = Enumerable.Range(0, 3).Select(_ => new RegionRollup()).ToArray();
        var street = new RegionRollup();
        foreach (var asset in assets)
        {
            for (var g = 0; g < asset.Grids.Length; g++)
            {
                grids[asset.Grids[g]].ReportAsset(new RegionMember(asset.Id, asset.Industry, asset.Inherent, g == 0), WarningLevel.None);
            }
        }

        for (var g = 0; g < 3; g++)
        {
            street.ReportChild($"g{g}", grids[g].Tally);
        }

        for (var step = 0; step < 5000; step++)
        {
            var asset = assets[random.Next(assets.Count)];
            var level = (WarningLevel)random.Next(5);
            levels[asset.Id] = level;
            for (var g = 0; g < asset.Grids.Length; g++)
            {
                var grid = grids[asset.Grids[g]];
                var before = grid.Tally;
                var changed = grid.ReportAsset(new RegionMember(asset.Id, asset.Industry, asset.Inherent, g == 0), level);
                Assert.Equal(changed, before != grid.Tally);
                if (changed)
                {
                    street.ReportChild($"g{asset.Grids[g]}", grid.Tally); // propagate only on change, as the grains do
                }
            }

            if (step % 250 == 0)
            {
                AssertMatchesRecompute();
            }
        }

        AssertMatchesRecompute();

        void AssertMatchesRecompute()
        {
            foreach (var layer in new[] { RiskLayer.Inherent, RiskLayer.Dynamic })
            {
                ColourCounts Colour(IEnumerable<(string Id, string Industry, RiskColour Inherent, int[] Grids)> subset) => subset.Aggregate(
                    default(ColourCounts),
                    (counts, a) => counts.Add(layer == RiskLayer.Inherent ? a.Inherent : RiskLevels.ColourOf(a.Inherent, levels[a.Id]), 1));

                Assert.Equal(Colour(assets), street.Tally.Layer(layer).Counts);
                foreach (var industry in industries)
                {
                    Assert.Equal(Colour(assets.Where(a => a.Industry == industry)), street.Tally.Layer(layer).ByIndustry[industry].Counted);
                }

                for (var g = 0; g < 3; g++)
                {
                    var inGrid = assets.Where(a => a.Grids.Contains(g)).ToList();
                    var expectedHighest = inGrid.Select(a => layer == RiskLayer.Inherent ? a.Inherent : RiskLevels.ColourOf(a.Inherent, levels[a.Id]))
                        .DefaultIfEmpty().Max();
                    Assert.Equal(expectedHighest, grids[g].Tally.Layer(layer).Highest);
                    Assert.Equal(Colour(assets.Where(a => a.Grids[0] == g)), grids[g].Tally.Layer(layer).Counts);
                }
            }
        }
    }
}
