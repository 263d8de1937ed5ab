using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

/// <summary>A rule change applied to a running asset (decision 0043): what counts as a change, and what the asset does with it.</summary>
public sealed class RuleSetChangesTests
{
    private readonly List<AlertChange> _changes = [];

    private static RuleSet RedAt(double red) => Pipeline() with
    {
        Thresholds =
        [
            new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", new ThresholdLadder(
                ThresholdDirection.Above, new Dictionary<WarningLevel, double> { [WarningLevel.Red] = red }, 0.9, new Dictionary<WarningLevel, TimeSpan>())),
            LowPressure(),
        ],
    };

    private void Sample(AssetEvaluator evaluator, double ch4, int seconds) =>
        evaluator.ApplySample(T0.AddSeconds(seconds), [new MetricValue("ch4_lel", ch4)], T0.AddSeconds(seconds), _changes);

    [Fact]
    public void Rule_sets_built_apart_from_the_same_definitions_do_not_differ()
    {
        Assert.True(RuleSetChanges.Between(PipelineWithTrends(), PipelineWithTrends()).IsEmpty);
    }

    [Fact]
    public void A_moved_threshold_an_added_rule_and_a_removed_rule_are_each_named()
    {
        var before = PipelineWithTrends();
        var after = before with
        {
            Thresholds = [RedAt(30).Thresholds[0]], // ch4_lel.high changed, pressure_kpa.low gone
            Forecasts = [.. before.Forecasts, MethaneForecast(window: 30) with { RuleId = "ch4_lel.forecast.short" }],
        };

        var changes = RuleSetChanges.Between(before, after);

        Assert.Equal(["ch4_lel.forecast.short"], changes.Added);
        Assert.Equal(["pressure_kpa.low"], changes.Removed);
        Assert.Equal(["ch4_lel.high"], changes.Changed);
    }

    [Fact]
    public void A_changed_offline_timeout_or_sensor_tolerance_is_a_change()
    {
        var before = PipelineWithTrends();

        Assert.Equal(["offline"], RuleSetChanges.Between(before, before with { Offline = before.Offline with { Intervals = 5 } }).Changed);
        Assert.Equal(["sensor.pressure_kpa"], RuleSetChanges.Between(before, before with { SensorHealth = [PressureSensor() with { StuckTolerance = 0.5 }] }).Changed);
    }

    [Fact]
    public void A_lowered_red_threshold_raises_red_on_the_next_reading_and_keeps_the_alerts_already_open()
    {
        var evaluator = new AssetEvaluator("gp-1", RedAt(50), T0);
        evaluator.ApplySample(T0, [new MetricValue("pressure_kpa", 90)], T0, _changes); // pressure red, stays open across the change
        Sample(evaluator, 30, 1);
        Assert.Equal(["pressure_kpa.low"], _changes.Select(c => c.Alert.RuleId));

        evaluator = evaluator.Reconfigure(RedAt(20), T0.AddSeconds(2), null, _changes);
        Sample(evaluator, 30, 3);

        var raised = _changes[^1];
        Assert.Equal((AlertChangeKind.Raised, "ch4_lel.high", WarningLevel.Red), (raised.Kind, raised.Alert.RuleId, raised.Alert.Level));
        Assert.True(evaluator.Alerts.Single(a => a.RuleId == "pressure_kpa.low").ConditionActive);
        Assert.Equal(2, _changes.Count);
    }

    [Fact]
    public void A_removed_rule_clears_its_active_alert_so_nothing_stays_raised_for_a_rule_that_is_gone()
    {
        var evaluator = new AssetEvaluator("gp-1", RedAt(50), T0);
        Sample(evaluator, 60, 0);
        Assert.Equal(WarningLevel.Red, evaluator.Level);

        evaluator = evaluator.Reconfigure(Pipeline() with { Thresholds = [LowPressure()] }, T0.AddSeconds(1), null, _changes);

        var cleared = _changes[^1];
        Assert.Equal((AlertChangeKind.Cleared, "ch4_lel.high"), (cleared.Kind, cleared.Alert.RuleId));
        Assert.Equal(WarningLevel.None, evaluator.Level);
    }
}
