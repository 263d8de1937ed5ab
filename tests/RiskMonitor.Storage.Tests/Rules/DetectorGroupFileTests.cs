using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>The rule file's detector groups (decision 0050): what loads, the defaults, and bad groups refused at load.</summary>
public sealed class DetectorGroupFileTests
{
    private const string Segment = """
        { "metric": "ch4_lel", "members": ["gp-1", "gp-2", "gp-3"],
          "corroboration": { "ruleId": "ch4_lel.high", "k": 2 },
          "drift": { "delta": 10 } }
        """;

    private static string File(string group = Segment, string second = "", string groups = "groups") =>
        """
        { "kinds": { "gas_pipeline": { "thresholds": [ { "metric": "ch4_lel", "direction": "above", "levels": { "orange": 25, "red": 50 } },
                                                       { "metric": "pressure_kpa", "direction": "below", "levels": { "red": 100 } } ] } },
          "GROUPS": { "seg-1": 
        """.Replace("GROUPS", groups, StringComparison.Ordinal) + group + second + " } }";

    private static AssetDefinition Asset(string id) => new(
        id, "gas_pipeline", id, "gas", new Point(120.1, 30.2), RiskColour.Blue, null, null, null, "r-1", null);

    [Fact]
    public void A_group_loads_with_its_defaults_and_only_its_members_carry_it()
    {
        var catalog = JsonRuleCatalog.Parse(File(), "rules");

        var group = Assert.Single(catalog.For(Asset("gp-2")).Groups);
        Assert.Equal(["gp-1", "gp-2", "gp-3"], group.Members);
        Assert.Equal(2, group.Corroboration!.K);
        Assert.Equal(WarningLevel.Orange, group.Corroboration.AloneLevel);
        Assert.Equal(WarningLevel.Blue, group.Drift!.Level);
        Assert.Equal(TimeSpan.FromMinutes(10), group.Drift.Hold);
        Assert.Equal(2, group.Drift.MinNeighbours);
        Assert.Same(group, catalog.Group("seg-1"));
        Assert.Empty(catalog.For(Asset("gp-9")).Groups);
        Assert.True(catalog.HasOwnRules("gp-1"));
        Assert.False(catalog.HasOwnRules("gp-9"));
    }

    [Fact]
    public void A_preview_lists_the_members_of_a_new_group_and_no_other_asset()
    {
        var current = JsonRuleCatalog.Parse(File(groups: "unread"), "rules"); // the same document without its groups
        var candidate = JsonRuleCatalog.Parse(File(), "rules");

        var affected = RuleChangePreview.AffectedAssets(current, candidate, [Asset("gp-1"), Asset("gp-2"), Asset("gp-3"), Asset("gp-4")]);

        Assert.Equal(["gp-1", "gp-2", "gp-3"], affected.Select(a => a.AssetId));
        Assert.All(affected, a => Assert.Equal(["group.seg-1"], a.Changes.Added));
    }

    [Theory]
    [InlineData("""{ "metric": "ch4_lxl", "members": ["a", "b"], "drift": { "delta": 1 } }""", "unknown metric 'ch4_lxl'")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b", "c"], "corroboration": { "k": 4 } }""", "k = 4 must be between 2 and the 3 members")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b", "c"], "corroboration": { "k": 1 } }""", "k = 1 must be between 2")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a"], "drift": { "delta": 1 } }""", "at least two detectors")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "a"], "drift": { "delta": 1 } }""", "'a' is listed twice")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b"] }""", "needs corroboration, drift or both")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b"], "corroboration": { "aloneLevel": "red" } }""", "aloneLevel must be blue, yellow or orange")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b"], "corroboration": { "ruleId": "ch4_lel.low" } }""", "'ch4_lel.low' is no threshold rule on ch4_lel")]
    [InlineData("""{ "metric": "pressure_kpa", "members": ["a", "b"], "corroboration": { "ruleId": "ch4_lel.high" } }""", "'ch4_lel.high' is no threshold rule on pressure_kpa")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b"], "drift": { "delta": -1 } }""", "delta must be a positive number")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b"], "drift": { "delta": 1, "holdSeconds": -5 } }""", "holdSeconds must be 0 or more")]
    [InlineData("""{ "metric": "ch4_lel", "members": ["a", "b"], "drift": { "delta": 1, "minNeighbours": 2 } }""", "minNeighbours = 2 must be between 1 and 1")]
    public void A_bad_group_is_refused_at_load_with_where_and_what(string group, string expected)
    {
        var error = Assert.Throws<RegistryException>(() => JsonRuleCatalog.Parse(File(group), "rules"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("groups.seg-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_detector_in_two_groups_on_one_metric_is_refused()
    {
        var error = Assert.Throws<RegistryException>(() => JsonRuleCatalog.Parse(
            File(second: """, "seg-2": { "metric": "ch4_lel", "members": ["gp-3", "gp-4"], "drift": { "delta": 5 } }"""), "rules"));

        Assert.Contains("asset 'gp-3' is in two groups on ch4_lel (seg-1, seg-2)", error.Message, StringComparison.Ordinal);
    }
}
