using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Groups;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules.Groups;

public sealed class AssetEvaluatorGroupTests
{
    private readonly List<AlertChange> _changes = [];

    private static AssetEvaluator Member() => new("d1", Pipeline() with { Groups = [DetectorGroupTests.Segment()] }, T0);

    private void Methane(AssetEvaluator evaluator, double value, int seconds) =>
        evaluator.ApplySample(T0.AddSeconds(seconds), [new MetricValue("ch4_lel", value)], T0.AddSeconds(seconds), _changes);

    [Fact]
    public void Red_on_one_detector_alone_is_raised_at_the_alone_level_and_says_why()
    {
        var evaluator = Member();

        Methane(evaluator, 60, 0);

        var alert = Assert.Single(_changes).Alert;
        Assert.Equal(WarningLevel.Orange, alert.Level);
        Assert.Equal(WarningLevel.Red, evaluator.UncappedLevelOf(DetectorGroupTests.Segment()));
        Assert.Contains("held at Orange", alert.Message, StringComparison.Ordinal);
        Assert.Contains("2 must agree", alert.Message, StringComparison.Ordinal);
        Assert.Equal((int)WarningLevel.Red, alert.Details!["uncappedLevel"]);
    }

    [Fact]
    public void The_group_agreeing_lifts_the_alarm_to_red_and_its_falling_apart_brings_it_back()
    {
        var evaluator = Member();
        Methane(evaluator, 60, 0);
        _changes.Clear();

        evaluator.ApplyGroupCeiling("seg-1", WarningLevel.Red, 2, T0.AddSeconds(1), _changes);
        Assert.Equal(WarningLevel.Red, Assert.Single(_changes).Alert.Level);
        Assert.Equal(WarningLevel.Red, evaluator.Level);

        _changes.Clear();
        evaluator.ApplyGroupCeiling("seg-1", WarningLevel.Orange, 1, T0.AddSeconds(2), _changes);
        Assert.Equal(WarningLevel.Orange, Assert.Single(_changes).Alert.Level);

        // Its own reading going back to normal clears the alarm whatever the group says.
        _changes.Clear();
        Methane(evaluator, 1, 10);
        Assert.Equal(WarningLevel.None, evaluator.Level);
    }

    [Fact]
    public void A_ceiling_for_another_group_or_below_the_level_changes_nothing()
    {
        var evaluator = Member();
        Methane(evaluator, 30, 0); // orange, after its 10 s confirm time
        Methane(evaluator, 30, 10);
        _changes.Clear();

        evaluator.ApplyGroupCeiling("seg-9", WarningLevel.Red, 3, T0.AddSeconds(11), _changes);
        evaluator.ApplyGroupCeiling("seg-1", WarningLevel.Red, 2, T0.AddSeconds(12), _changes);
        Assert.Empty(_changes);
        Assert.Equal(WarningLevel.Orange, evaluator.Level);
    }

    [Fact]
    public void A_restart_keeps_a_corroborated_red_until_the_group_says_otherwise()
    {
        var evaluator = Member();
        Methane(evaluator, 60, 0);
        evaluator.ApplyGroupCeiling("seg-1", WarningLevel.Red, 2, T0.AddSeconds(1), _changes);
        _changes.Clear();

        var restored = AssetEvaluator.Restore("d1", evaluator.Rules, evaluator.Snapshot(), T0.AddSeconds(5));
        Methane(restored, 61, 5);

        Assert.Empty(_changes);
        Assert.Equal(WarningLevel.Red, restored.Level);
    }

    [Fact]
    public void Drift_raises_and_clears_its_own_sensor_alert_with_the_numbers()
    {
        var evaluator = Member();

        evaluator.ApplyDrift("seg-1", new DriftVerdict("d1", true, 18, 2, 2, T0, T0.AddMinutes(10)), T0.AddMinutes(10), _changes);
        var raised = Assert.Single(_changes).Alert;
        Assert.Equal("sensor.ch4_lel.drift", raised.RuleId);
        Assert.Equal(WarningLevel.Blue, raised.Level);
        Assert.Equal(16, raised.Details!["deviation"]);
        Assert.Equal(600, raised.Details["deviatingSeconds"]);
        Assert.Contains("median 2 of 2 neighbours in seg-1", raised.Message, StringComparison.Ordinal);

        _changes.Clear();
        evaluator.ApplyDrift("seg-1", new DriftVerdict("d1", false, 2, 2, 2, T0.AddMinutes(11), T0.AddMinutes(11)), T0.AddMinutes(11), _changes);
        Assert.Equal(WarningLevel.None, Assert.Single(_changes).Alert.Level);
    }

    [Fact]
    public void A_group_in_the_rules_is_a_rule_change_and_its_drift_alert_a_rule_id()
    {
        var before = Pipeline();
        var after = Pipeline() with { Groups = [DetectorGroupTests.Segment()] };

        var changes = RuleSetChanges.Between(before, after);

        Assert.Equal(["group.seg-1"], changes.Added);
        Assert.Contains("sensor.ch4_lel.drift", RuleSetChanges.AlertRuleIds(after));
        Assert.True(RuleSetChanges.Between(after, after with { Groups = [DetectorGroupTests.Segment() with { Members = ["d1", "d2"] }] }).Changed.Count == 1);
    }
}
