using CsCheck;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

/// <summary>
/// The evaluator's state in its compact form (issue 22, decision 0063: heap per active asset): the newest value per
/// metric in an array instead of a dictionary, a threshold rule's last sample as ticks and a NaN-or-value double instead
/// of two nullables. Checked against the plain model they replaced, and through a snapshot and restore.
/// </summary>
public sealed class CompactStateTests
{
    private static readonly string[] Metrics = ["ch4_lel", "pressure_kpa", "flow", "temp_c", "level_m", "h2s_ppm"];

    [Fact]
    public void The_newest_value_per_metric_is_what_a_dictionary_of_the_newest_would_hold()
    {
        var sample = Gen.Select(Gen.Int[0, Metrics.Length - 1], Gen.Int[-30, 30], Gen.Double[0, 20]);
        sample.Array[1, 80].Sample(samples =>
        {
            var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);
            var model = new Dictionary<string, LatestValue>(StringComparer.Ordinal);
            var changes = new List<AlertChange>();
            foreach (var (metric, offset, value) in samples)
            {
                // Late and repeated times too: a late value never replaces a newer one.
                var at = T0.AddSeconds(offset);
                evaluator.ApplySample(at, [new MetricValue(Metrics[metric], value)], at, changes);
                if (!model.TryGetValue(Metrics[metric], out var known) || at >= known.At)
                {
                    model[Metrics[metric]] = new LatestValue(value, at);
                }
            }

            var restored = AssetEvaluator.Restore("gp-1", PipelineWithTrends(), evaluator.Snapshot(), T0);

            Assert.Equal(model.OrderBy(m => m.Key), evaluator.Latest.OrderBy(m => m.Key));
            Assert.Equal(model.OrderBy(m => m.Key), restored.Latest.OrderBy(m => m.Key));
        });
    }

    [Fact]
    public void Metric_names_that_arrive_as_new_strings_raise_what_the_rules_own_names_raise()
    {
        // Rules share one instance of a name (MetricNames) and the evaluator swaps a sample's name for it, so most metric
        // tests are reference checks. A sample whose names are strings of their own, as a parser makes them, must
        // give the same alerts: every rule type, random readings of both metrics and of one the rules do not read.
        var reading = Gen.Select(Gen.Int[0, 2], Gen.Double[0, 600]);
        reading.Array[1, 300].Sample(readings =>
        {
            var pooled = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);
            var fresh = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);
            var pooledChanges = new List<AlertChange>();
            var freshChanges = new List<AlertChange>();
            string[] names = ["ch4_lel", "pressure_kpa", "flow"];
            for (var i = 0; i < readings.Length; i++)
            {
                var (metric, value) = readings[i];
                var at = T0.AddSeconds(5 * i);
                var name = names[metric];
                pooled.ApplySample(at, [new MetricValue(name, metric == 0 ? value / 10 : value)], at, pooledChanges);
                fresh.ApplySample(at, [new MetricValue(new string(name.AsSpan()), metric == 0 ? value / 10 : value)], at, freshChanges);
            }

            Assert.Equal(
                pooledChanges.Select(c => (c.Kind, c.Alert.RuleId, c.Alert.Level, c.Alert.RaisedAt)),
                freshChanges.Select(c => (c.Kind, c.Alert.RuleId, c.Alert.Level, c.Alert.RaisedAt)));
            Assert.Equal(pooled.Latest.OrderBy(m => m.Key), fresh.Latest.OrderBy(m => m.Key));
        });
    }

    [Fact]
    public void Every_rule_definition_holds_the_pooled_instance_of_its_metric_name()
    {
        // A name as a rule document's parser makes it: a string of its own.
        string Parsed() => new("pressure_kpa".AsSpan());
        var pooled = string.Intern("pressure_kpa");
        var ladder = PressureFalling().Ladder;

        Assert.NotSame(pooled, Parsed());
        Assert.Same(pooled, new ThresholdRuleDefinition("p.high", Parsed(), ladder).Metric);
        Assert.Same(pooled, new RateOfChangeRuleDefinition("p.falling", Parsed(), 12, ladder).Metric);
        Assert.Same(pooled, new ForecastRuleDefinition("p.forecast", Parsed(), ThresholdDirection.Below, 100, 60, TimeSpan.FromMinutes(5), WarningLevel.Yellow).Metric);
        Assert.Same(pooled, new CompoundCondition(Parsed(), ThresholdDirection.Below, 250, TimeSpan.FromSeconds(30)).Metric);
        Assert.Same(pooled, new SensorHealthRuleDefinition("sensor.p", Parsed(), WarningLevel.Yellow).Metric);
        Assert.Same(pooled, MetricNames.Known(Parsed()));
        Assert.Null(new ThresholdRuleDefinition("p.high", null!, ladder).Metric); // left for validation to report
    }

    [Fact]
    public void A_threshold_rules_last_sample_and_value_survive_a_snapshot_as_they_were_and_none_stays_none()
    {
        var fresh = new ThresholdRule(Methane());
        var rule = new ThresholdRule(Methane());
        var at = T0.AddMilliseconds(123);
        rule.Evaluate(12.25, at);
        rule.Evaluate(11, at.AddSeconds(-5)); // late: ignored
        var restored = new ThresholdRule(Methane());
        var restoredFresh = new ThresholdRule(Methane());

        restored.Restore(rule.Snapshot());
        restoredFresh.Restore(fresh.Snapshot());

        Assert.Equal((null, null), (fresh.LastSampleAt, fresh.LastValue));
        Assert.Equal(((DateTimeOffset?)at, (double?)12.25), (rule.LastSampleAt, rule.LastValue));
        var (before, after) = (rule.Snapshot(), restored.Snapshot());
        Assert.Equal((before.Confirmed, before.LastSampleAt, before.LastValue, before.SteadySince), (after.Confirmed, after.LastSampleAt, after.LastValue, after.SteadySince));
        Assert.Equal(before.HeldSince, after.HeldSince);
        Assert.Equal((null, null), (restoredFresh.LastSampleAt, restoredFresh.LastValue));
        Assert.Equal(at.UtcTicks, restored.LastSampleAt!.Value.UtcTicks);
    }

    [Fact]
    public void Assets_without_alerts_share_nothing_they_could_change()
    {
        var quiet = new AssetEvaluator("gp-1", Pipeline(), T0);
        var loud = new AssetEvaluator("gp-2", Pipeline(), T0);
        var changes = new List<AlertChange>();

        loud.ApplySample(T0, [new MetricValue("ch4_lel", 60)], T0, changes);

        Assert.Empty(quiet.Alerts);
        Assert.Single(loud.Alerts);
        Assert.Equal(WarningLevel.None, quiet.Level);
    }
}
