using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

/// <summary>
/// Readings that arrive after newer ones of the same asset (held in a killed silo's broker session, decision 0031):
/// the level stays that of the newest reading, and a red spike only the late reading shows is raised and cleared
/// (decision 0040a).
/// </summary>
public sealed class LateReadingTests
{
    private readonly List<AlertChange> _changes = [];

    /// <summary>A methane reading taken at T0 + <paramref name="taken"/> s that arrives at T0 + <paramref name="arrives"/> s.</summary>
    private void Reading(AssetEvaluator evaluator, double ch4, int taken, int? arrives = null) =>
        evaluator.ApplySample(T0.AddSeconds(taken), [new MetricValue("ch4_lel", ch4)], T0.AddSeconds(arrives ?? taken), _changes);

    [Fact]
    public void A_late_red_reading_between_normal_ones_raises_its_alert_and_clears_it_and_the_level_stays_normal()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 1, 0);
        Reading(evaluator, 1, 10);
        Reading(evaluator, 1, 20);
        Assert.Empty(_changes);

        Reading(evaluator, 60, 15, arrives: 40); // held back by a dead silo's session, arrives after the reading of 20 s

        Assert.Collection(_changes,
            raised =>
            {
                Assert.Equal(AlertChangeKind.Raised, raised.Kind);
                Assert.Equal(WarningLevel.Red, raised.Alert.Level);
                Assert.Equal(T0.AddSeconds(15), raised.Alert.ReadingTime);
                Assert.Equal(T0.AddSeconds(40), raised.Alert.RaisedAt);
                Assert.Contains("late reading", raised.Alert.Message, StringComparison.Ordinal);
            },
            cleared =>
            {
                Assert.Equal(AlertChangeKind.Cleared, cleared.Kind);
                Assert.Equal(WarningLevel.Red, cleared.Alert.Severity);
                Assert.Equal(T0.AddSeconds(20), cleared.Alert.ReadingTime);
                Assert.Equal(AlertState.Open, cleared.Alert.State); // someone has to see it and close it
            });
        Assert.Equal(WarningLevel.None, evaluator.Level);
        Assert.Equal(1, evaluator.Latest["ch4_lel"].Value);
        Assert.Equal(T0.AddSeconds(20), evaluator.LastSampleAt);

        // Evaluation goes on from the newest reading: the next red one raises the same alert again, in order.
        Reading(evaluator, 60, 30, arrives: 41);
        Assert.Equal(AlertChangeKind.Updated, _changes[^1].Kind);
        Assert.True(_changes[^1].Alert.ConditionActive);
        Assert.Equal(WarningLevel.Red, evaluator.Level);
    }

    [Fact]
    public void A_late_red_reading_while_orange_lifts_the_alert_to_red_and_back_to_orange()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        for (var s = 0; s <= 20; s += 2)
        {
            Reading(evaluator, 45, s); // orange after its confirm time
        }

        Assert.Equal(WarningLevel.Orange, evaluator.Level);
        _changes.Clear();

        Reading(evaluator, 70, 19, arrives: 30);

        Assert.Equal([WarningLevel.Red, WarningLevel.Orange], _changes.Select(c => c.Alert.Level));
        Assert.All(_changes, c => Assert.Equal(AlertChangeKind.Updated, c.Kind));
        Assert.Equal(WarningLevel.Red, _changes[^1].Alert.Severity);
        Assert.Equal(WarningLevel.Orange, evaluator.Level);
    }

    [Fact]
    public void Late_readings_that_show_nothing_higher_or_belong_before_the_last_change_change_nothing()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 1, 0);
        Reading(evaluator, 60, 10); // raised in order
        Reading(evaluator, 60, 12);
        Reading(evaluator, 1, 20); // cleared in order
        _changes.Clear();

        Reading(evaluator, 60, 5, arrives: 30); // a red reading older than the clear: its episode was alerted at 10 s
        Reading(evaluator, 60, 11, arrives: 30); // red inside the red stretch
        Reading(evaluator, 1, 15, arrives: 30); // a late normal reading never lowers anything
        Reading(evaluator, 60, 20, arrives: 30); // a repeat of the newest reading's time

        Assert.Empty(_changes);
        Assert.Equal(WarningLevel.None, evaluator.Level);
        Assert.Equal(T0.AddSeconds(20), evaluator.LastSampleAt);
    }

    [Fact]
    public void Several_late_red_readings_of_one_stretch_raise_one_alert_once()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 1, 0);
        Reading(evaluator, 1, 30);

        Reading(evaluator, 60, 10, arrives: 40);
        Reading(evaluator, 60, 11, arrives: 40);
        Reading(evaluator, 60, 12, arrives: 40);

        Assert.Equal([AlertChangeKind.Raised, AlertChangeKind.Cleared], _changes.Select(c => c.Kind));
    }

    [Fact]
    public void A_late_yellow_reading_is_not_a_spike_one_reading_cannot_hold_for_the_confirm_time()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 1, 0);
        Reading(evaluator, 1, 30);

        Reading(evaluator, 15, 10, arrives: 40);

        Assert.Empty(_changes);
    }

    [Fact]
    public void A_restored_rule_keeps_what_it_needs_to_judge_a_late_reading()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 1, 0);
        Reading(evaluator, 1, 30);
        var restored = AssetEvaluator.Restore("gp-1", Pipeline(), evaluator.Snapshot(), T0.AddSeconds(35));

        Reading(restored, 60, 10, arrives: 40);
        Reading(restored, 60, 12, arrives: 40);

        Assert.Equal([AlertChangeKind.Raised, AlertChangeKind.Cleared], _changes.Select(c => c.Kind));
    }

    [Fact]
    public void A_raise_the_store_never_got_is_raised_again_by_the_next_red_reading_after_a_restore()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 1, 0);
        Reading(evaluator, 60, 10); // raised, journalled on a node that died before PostgreSQL had it
        var stateWithoutTheAlert = evaluator.Snapshot() with { Alerts = [] }; // the grain state knew; the store did not
        _changes.Clear();

        var restored = AssetEvaluator.Restore("gp-1", Pipeline(), stateWithoutTheAlert, T0.AddSeconds(30));
        Reading(restored, 60, 20, arrives: 31);

        var raised = Assert.Single(_changes);
        Assert.Equal(AlertChangeKind.Raised, raised.Kind);
        Assert.Equal(T0.AddSeconds(20), raised.Alert.ReadingTime);
    }

    [Fact]
    public void A_clear_the_store_never_got_is_made_again_by_the_next_normal_reading_after_a_restore()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Reading(evaluator, 60, 10);
        var storeAlerts = evaluator.Snapshot().Alerts; // the raise reached the store
        Reading(evaluator, 1, 20); // the clear was journalled on the node that died
        var stateAfterTheClear = evaluator.Snapshot() with { Alerts = storeAlerts };
        _changes.Clear();

        var restored = AssetEvaluator.Restore("gp-1", Pipeline(), stateAfterTheClear, T0.AddSeconds(30));
        Reading(restored, 1, 25, arrives: 31);

        var cleared = Assert.Single(_changes);
        Assert.Equal(AlertChangeKind.Cleared, cleared.Kind);
        Assert.Equal(WarningLevel.None, restored.Level);
    }
}
