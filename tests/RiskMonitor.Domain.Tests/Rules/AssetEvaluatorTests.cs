using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class AssetEvaluatorTests
{
    private readonly List<AlertChange> _changes = [];

    private void Sample(AssetEvaluator evaluator, double ch4, int seconds) =>
        evaluator.ApplySample(T0.AddSeconds(seconds), [new MetricValue("ch4_lel", ch4), new MetricValue("pressure_kpa", 310)], T0.AddSeconds(seconds), _changes);

    [Fact]
    public void A_leak_ramp_raises_upgrades_and_clears_one_alert()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);

        for (var s = 0; s <= 60; s += 2)
        {
            Sample(evaluator, s < 40 ? s * 1.5 : 1, s);
        }

        Assert.Equal(AlertChangeKind.Raised, _changes[0].Kind);
        Assert.Equal(AlertChangeKind.Cleared, _changes[^1].Kind);
        Assert.All(_changes, c => Assert.Equal(_changes[0].Alert.AlertId, c.Alert.AlertId));
        Assert.Contains(_changes, c => c.Alert.Level == WarningLevel.Red);
        Assert.Equal(WarningLevel.None, evaluator.Level);
        Assert.Single(evaluator.Alerts);
    }

    [Fact]
    public void A_message_states_the_level_now_and_the_peak_it_came_down_from()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);

        Sample(evaluator, 60, 0); // red at once (no confirm time for red)
        Sample(evaluator, 43.4, 2); // below red's clear point: down to orange, while the alert's severity stays red

        var red = _changes[0].Alert;
        Assert.Equal((WarningLevel.Red, WarningLevel.Red), (red.Level, red.Severity));
        Assert.Equal("ch4_lel 60 >= Red threshold 50", red.Message);
        var orange = _changes[^1].Alert;
        Assert.Equal((WarningLevel.Orange, WarningLevel.Red), (orange.Level, orange.Severity));
        Assert.Equal("ch4_lel 43.4 >= Orange threshold 25, down from Red", orange.Message);
    }

    [Fact]
    public void A_level_held_in_its_dead_band_says_where_it_clears_not_that_the_value_meets_its_threshold()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);

        Sample(evaluator, 60, 0); // red
        Sample(evaluator, 24, 2); // below orange's threshold 25 but above its clear point 22.5: orange holds

        var held = _changes[^1].Alert;
        Assert.Equal(WarningLevel.Orange, held.Level);
        Assert.Equal("ch4_lel 24, Orange held until below 22.5 (threshold 25), down from Red", held.Message);
    }

    [Fact]
    public void Latest_values_ignore_late_samples()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);

        Sample(evaluator, 2, 10);
        Sample(evaluator, 3, 5);

        Assert.Equal(2, evaluator.Latest["ch4_lel"].Value);
        Assert.Equal(T0.AddSeconds(10), evaluator.LastSampleAt);
    }

    [Fact]
    public void Silence_for_three_intervals_raises_a_blue_offline_alert_and_data_clears_it()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(TimeSpan.FromSeconds(5)), T0);
        Sample(evaluator, 1, 0);

        evaluator.CheckQuiet(T0.AddSeconds(14), _changes);
        Assert.Empty(_changes);
        evaluator.CheckQuiet(T0.AddSeconds(15), _changes);
        var offline = Assert.Single(_changes);
        Assert.Equal(OfflineRuleDefinition.RuleIdValue, offline.Alert.RuleId);
        Assert.Equal(WarningLevel.Blue, offline.Alert.Level);
        Assert.False(evaluator.Online);

        Sample(evaluator, 1, 20);

        Assert.Equal(AlertChangeKind.Cleared, _changes[^1].Kind);
        Assert.True(evaluator.Online);
    }

    [Fact]
    public void An_asset_that_never_reports_goes_offline_from_activation()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(TimeSpan.FromSeconds(5)), T0);

        evaluator.CheckQuiet(T0.AddSeconds(15), _changes);

        Assert.Equal(AlertChangeKind.Raised, Assert.Single(_changes).Kind);
    }

    [Fact]
    public void A_reported_offline_status_raises_at_once()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);

        evaluator.ApplyStatus(online: false, T0.AddSeconds(1), _changes);

        Assert.Equal(WarningLevel.Blue, Assert.Single(_changes).Alert.Level);
        Assert.True(evaluator.ReportedOffline);
    }

    [Fact]
    public void Elevator_events_map_to_levels_and_clear_on_inactive()
    {
        var evaluator = new AssetEvaluator("el-1", Elevator(), T0);

        Assert.True(evaluator.ApplyEvent("entrapment", true, T0, T0, _changes));
        Assert.True(evaluator.ApplyEvent("entrapment", false, T0.AddMinutes(5), T0.AddMinutes(5), _changes));

        Assert.Equal(2, _changes.Count);
        Assert.Equal(WarningLevel.Red, _changes[0].Alert.Level);
        Assert.Equal("event.entrapment", _changes[0].Alert.RuleId);
        Assert.Equal(T0.AddMinutes(30), _changes[0].Alert.RespondBy);
        Assert.Equal(AlertChangeKind.Cleared, _changes[1].Kind);
    }

    [Fact]
    public void Unknown_event_codes_are_reported_and_raise_nothing()
    {
        var evaluator = new AssetEvaluator("el-1", Elevator(), T0);

        Assert.False(evaluator.ApplyEvent("made_up", true, T0, T0, _changes));
        Assert.Empty(_changes);
    }

    [Fact]
    public void A_restored_evaluator_keeps_its_alerts_and_rule_clocks()
    {
        var evaluator = new AssetEvaluator("gp-1", Pipeline(), T0);
        Sample(evaluator, 60, 0);
        Sample(evaluator, 12, 1);

        var restored = AssetEvaluator.Restore("gp-1", Pipeline(), evaluator.Snapshot(), T0.AddSeconds(2));
        _changes.Clear();
        Sample(restored, 1, 3);

        Assert.Equal(AlertChangeKind.Cleared, Assert.Single(_changes).Kind);
        Assert.Equal(evaluator.Alerts.Single().AlertId, _changes[0].Alert.AlertId);
    }
}
