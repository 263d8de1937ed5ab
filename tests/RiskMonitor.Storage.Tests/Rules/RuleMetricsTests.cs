using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>
/// The metrics an asset's rules can read (decision 0067): a backtest asks InfluxDB for these fields alone, so a metric
/// a rule reads and this leaves out would silently change the backtest's result.
/// </summary>
public sealed class RuleMetricsTests
{
    private static AssetDefinition Asset(string id, string kind) => new(id, kind, id, "", new Point(120.1, 30.2), RiskColour.Blue, null, null, null, "r-1", null);

    [Fact]
    public void Every_metric_a_shipped_kinds_rules_read_is_among_its_metrics()
    {
        var catalog = JsonRuleCatalog.Load(ShippedRuleFile.Path);
        foreach (var kind in catalog.Kinds.Where(k => k != JsonRuleCatalog.FallbackKind))
        {
            var asset = Asset($"metrics-{kind}", kind);
            var rules = catalog.For(asset);
            var read = rules.Thresholds.Select(t => t.Metric)
                .Concat(rules.RatesOfChange.Select(r => r.Metric))
                .Concat(rules.Forecasts.Select(f => f.Metric))
                .Concat(rules.Compounds.SelectMany(c => c.Conditions).Select(c => c.Metric))
                .Concat(rules.SensorHealth.Select(h => h.Metric))
                .ToHashSet(StringComparer.Ordinal);

            var metrics = catalog.MetricsOf(asset);

            Assert.True(read.Count == 0 || metrics is not null, $"{kind}: rules read {string.Join(", ", read)} but its metrics are unknown");
            Assert.Subset(metrics?.ToHashSet(StringComparer.Ordinal) ?? [], read);
        }
    }

    [Fact]
    public void A_kind_has_its_own_and_its_parents_metrics_and_an_asset_with_rules_of_its_own_has_no_set()
    {
        var catalog = JsonRuleCatalog.Parse("""
            {
              "kinds": {
                "gas": { "metrics": ["pressure_kpa"],
                         "thresholds": [ { "ruleId": "ch4.high", "metric": "ch4_lel", "direction": "above", "levels": { "red": 30 } } ] },
                "gas_station": { "extends": "gas",
                         "thresholds": [ { "ruleId": "flow.high", "metric": "flow_m3h", "direction": "above", "levels": { "red": 90 } } ] },
                "elevator": { "thresholds": [ { "ruleId": "speed.high", "metric": "speed_mps", "direction": "above", "levels": { "red": 3 } } ] }
              },
              "assets": { "gp-9": { "thresholds": [ { "ruleId": "speed.odd", "metric": "speed_mps", "direction": "above", "levels": { "yellow": 1 } } ] } }
            }
            """, "rules");

        Assert.Equal(["ch4_lel", "pressure_kpa"], catalog.MetricsOf(Asset("gp-1", "gas"))!.Order(StringComparer.Ordinal));
        Assert.Equal(["ch4_lel", "flow_m3h", "pressure_kpa"], catalog.MetricsOf(Asset("gs-1", "gas_station"))!.Order(StringComparer.Ordinal));
        Assert.Equal(["speed_mps"], catalog.MetricsOf(Asset("el-1", "elevator"))!);
        Assert.Null(catalog.MetricsOf(Asset("gp-9", "gas"))); // its override may read any kind's metric
        Assert.Null(catalog.MetricsOf(Asset("x-1", "bridge"))); // a kind the document lacks has no metrics of its own
    }
}
