using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>
/// What rules as managed configuration needs of the rule document (decision 0043): kinds that extend kinds, the four
/// bad definitions the issue names refused with the place and the reason, which assets a change affects, and the
/// in-memory store's optimistic concurrency.
/// </summary>
public sealed class ManagedRuleDocumentTests
{
    private const string Base = """
        {
          "kinds": {
            "gas_pipeline": {
              "thresholds": [ { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "yellow": 10, "red": 50 } },
                              { "ruleId": "pressure_kpa.low", "metric": "pressure_kpa", "direction": "below", "levels": { "red": 100 } } ]
            },
            "gas_station": { "extends": "gas_pipeline",
              "thresholds": [ { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "red": 30 } } ] },
            "elevator": { "events": { "entrapment": { "level": "red" } } }
          },
          "assets": ASSETS
        }
        """;

    private static string Document(string assets = "{}") => Base.Replace("ASSETS", assets, StringComparison.Ordinal);

    private static AssetDefinition Asset(string id, string kind = "gas_pipeline") => new(
        id, kind, id, "gas", new Point(120.1, 30.2), RiskColour.Blue, null, null, null, "r-1", null);

    [Fact]
    public void A_kind_that_extends_another_takes_its_rules_and_replaces_those_with_its_own_ids()
    {
        var station = JsonRuleCatalog.Parse(Document(), "rules").For(Asset("gs-1", "gas_station"));

        Assert.Equal(["ch4_lel.high", "pressure_kpa.low"], station.Thresholds.Select(t => t.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(30, station.Thresholds.Single(t => t.RuleId == "ch4_lel.high").Ladder.ThresholdOf(WarningLevel.Red));
        Assert.Null(station.Thresholds.Single(t => t.RuleId == "ch4_lel.high").Ladder.ThresholdOf(WarningLevel.Yellow));
    }

    [Theory]
    [InlineData("""{ "a": { "extends": "b" }, "b": { "extends": "a" } }""", "'extends' forms a cycle (a -> b -> a)")]
    [InlineData("""{ "a": { "extends": "a" } }""", "'extends' forms a cycle (a -> a)")]
    [InlineData("""{ "a": { "extends": "nowhere" } }""", "kinds.a: extends 'nowhere', which the file does not define")]
    public void A_cyclic_or_dangling_extends_is_refused_with_the_chain(string kinds, string expected)
    {
        var error = Assert.Throws<RegistryException>(() => JsonRuleCatalog.Parse("{ \"kinds\": " + kinds + " }", "document"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "gp-1": { "forecasts": [ { "metric": "ch4_ppm", "direction": "above", "threshold": 50 } ] } }""", "ch4_ppm")]
    [InlineData("""{ "gp-1": { "sensorHealth": [ { "metric": "ch4_lel", "spikeDelta": 5, "spikeCount": 8, "spikeWindowSamples": 4 } ] } }""", "spikeCount must be between 1 and spikeWindowSamples (4), not 8")]
    [InlineData("""{ "gp-1": { "ratesOfChange": [ { "metric": "pressure_kpa", "direction": "below", "windowSamples": -3, "levels": { "red": -40 } } ] } }""", "-3")]
    public void Unknown_metric_k_above_n_and_a_negative_window_are_refused_with_the_place(string assets, string expected)
    {
        var error = Assert.Throws<RegistryException>(() => JsonRuleCatalog.Parse(Document(assets), "document"));

        Assert.Contains("assets.gp-1", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_change_affects_every_asset_of_that_kind_and_of_kinds_extending_it_and_nothing_else()
    {
        var current = JsonRuleCatalog.Parse(Document(), "rules");
        var candidate = JsonRuleCatalog.Parse(Document().Replace("\"red\": 100", "\"red\": 120", StringComparison.Ordinal), "rules");
        AssetDefinition[] assets = [Asset("gp-1"), Asset("gp-2"), Asset("gs-1", "gas_station"), Asset("el-1", "elevator")];

        var affected = RuleChangePreview.AffectedAssets(current, candidate, assets);

        Assert.Equal(["gp-1", "gp-2", "gs-1"], affected.Select(a => a.AssetId));
        Assert.All(affected, a => Assert.Equal(["pressure_kpa.low"], a.Changes.Changed));
        Assert.Equal("3 asset(s): changed pressure_kpa.low", RuleChangePreview.Summarise(affected));
    }

    [Fact]
    public void An_override_affects_only_its_asset_and_names_the_rules_it_adds_and_changes()
    {
        var current = JsonRuleCatalog.Parse(Document(), "rules");
        var candidate = JsonRuleCatalog.Parse(Document("""
            { "gp-2": { "thresholds": [ { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "red": 20 } },
                                        { "ruleId": "ch4_lel.low", "metric": "ch4_lel", "direction": "below", "levels": { "blue": -1 } } ] } }
            """), "rules");

        var affected = Assert.Single(RuleChangePreview.AffectedAssets(current, candidate, [Asset("gp-1"), Asset("gp-2"), Asset("gp-3")]));

        Assert.Equal("gp-2", affected.AssetId);
        Assert.Equal(["ch4_lel.low"], affected.Changes.Added);
        Assert.Equal(["ch4_lel.high"], affected.Changes.Changed);
        Assert.Empty(affected.Changes.Removed);
    }

    [Fact]
    public void An_unchanged_document_affects_no_asset()
    {
        var current = JsonRuleCatalog.Parse(Document(), "rules");

        Assert.Empty(RuleChangePreview.AffectedAssets(current, JsonRuleCatalog.Parse(Document(), "again"), [Asset("gp-1"), Asset("el-1", "elevator")]));
    }

    [Fact]
    public async Task The_store_takes_only_the_next_version_so_two_changes_from_one_base_cannot_both_win()
    {
        var store = new InMemoryRuleStore();
        var ct = TestContext.Current.CancellationToken;
        RuleVersion Version(long n) => new(n, "{}", RuleChangeAction.Change, null, "zhang.min", "test", DateTimeOffset.UnixEpoch, 0, "");

        Assert.False(await store.AppendAsync(Version(2), ct)); // a gap
        Assert.True(await store.AppendAsync(Version(1), ct));
        Assert.True(await store.AppendAsync(Version(2), ct));
        Assert.False(await store.AppendAsync(Version(2), ct)); // the second change based on version 1

        Assert.Equal(2, await store.CurrentVersionAsync(ct));
        Assert.Equal([2L, 1L], (await store.ListAsync(10, ct)).Select(v => v.Version));
    }
}
