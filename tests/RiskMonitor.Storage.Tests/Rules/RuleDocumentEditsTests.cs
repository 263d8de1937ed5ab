using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>A suggestion written into the shipped rule document parses back to exactly the suggested rule (decision 0055).</summary>
public sealed class RuleDocumentEditsTests
{
    private static readonly string Shipped = File.ReadAllText(ShippedRuleFile.Path);

    private static AssetDefinition Pipeline(string id) => new(id, "gas_pipeline", id, "gas", Point.Empty, RiskColour.Blue, null, null, null, "d-1", null);

    private static ThresholdRuleDefinition Methane(JsonRuleCatalog catalog, string assetId) =>
        catalog.For(Pipeline(assetId)).Thresholds.Single(t => t.RuleId == "ch4_lel.high");

    private static ThresholdRuleDefinition WithLevels(ThresholdRuleDefinition rule, Dictionary<WarningLevel, double> levels) => rule with
    {
        Ladder = new ThresholdLadder(rule.Ladder.Direction, levels, rule.Ladder.ClearRatio, levels.ToDictionary(l => l.Key, l => rule.Ladder.ConfirmTime(l.Key))),
    };

    [Fact]
    public void A_kind_suggestion_changes_the_levels_of_the_kind_threshold_and_nothing_else()
    {
        var before = JsonRuleCatalog.Parse(Shipped, "shipped");
        var suggested = WithLevels(Methane(before, "gp-1"), new() { [WarningLevel.Blue] = 3.01, [WarningLevel.Yellow] = 7.5, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 });

        var after = JsonRuleCatalog.Parse(RuleDocumentEdits.WithThreshold(Shipped, suggested, "gas_pipeline", null), "edited");

        var rule = Methane(after, "gp-1");
        Assert.Equal(3.01, rule.Ladder.ThresholdOf(WarningLevel.Blue));
        Assert.Equal(7.5, rule.Ladder.ThresholdOf(WarningLevel.Yellow));
        Assert.Equal(Methane(before, "gp-1").Ladder.ConfirmTime(WarningLevel.Blue), rule.Ladder.ConfirmTime(WarningLevel.Blue));
        Assert.Equal(Methane(before, "gp-1").Description, rule.Description);
        Assert.False(after.HasOverride("gp-1"));
        // Every other rule of the kind is as it was.
        var others = RuleSetChanges.Describe(before.For(Pipeline("gp-1")));
        var othersAfter = RuleSetChanges.Describe(after.For(Pipeline("gp-1")));
        Assert.Equal(others.Keys.Order(), othersAfter.Keys.Order());
        Assert.All(others.Where(o => o.Key != "ch4_lel.high"), o => Assert.Equal(o.Value, othersAfter[o.Key]));
    }

    [Fact]
    public void An_asset_suggestion_becomes_that_assets_override_and_a_left_out_level_is_gone()
    {
        var before = JsonRuleCatalog.Parse(Shipped, "shipped");
        var suggested = WithLevels(Methane(before, "gp-7"), new() { [WarningLevel.Blue] = 6.83, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 });

        var after = JsonRuleCatalog.Parse(RuleDocumentEdits.WithThreshold(Shipped, suggested, "gas_pipeline", "gp-7"), "edited");

        Assert.True(after.HasOverride("gp-7"));
        var rule = Methane(after, "gp-7");
        Assert.Equal(6.83, rule.Ladder.ThresholdOf(WarningLevel.Blue));
        Assert.Null(rule.Ladder.ThresholdOf(WarningLevel.Yellow));
        Assert.Equal(0.9, rule.Ladder.ClearRatio);
        Assert.Equal(5, Methane(after, "gp-8").Ladder.ThresholdOf(WarningLevel.Blue)); // the kind is untouched
    }
}
