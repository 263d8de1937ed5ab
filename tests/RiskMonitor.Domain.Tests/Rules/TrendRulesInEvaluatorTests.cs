using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

/// <summary>The issue 22 rule types inside the asset evaluator: their alerts, the sensor hold-back and a restart.</summary>
public sealed class TrendRulesInEvaluatorTests
{
    private readonly List<AlertChange> _changes = [];

    private void Sample(AssetEvaluator evaluator, int seconds, double ch4, double pressure) =>
        evaluator.ApplySample(T0.AddSeconds(seconds), [new MetricValue("ch4_lel", ch4), new MetricValue("pressure_kpa", pressure)], T0.AddSeconds(seconds), _changes);

    [Fact]
    public void A_methane_ramp_raises_the_forecast_with_its_numbers_minutes_before_red()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);

        for (var s = 0; s <= 600; s += 5)
        {
            Sample(evaluator, s, 0.5 + (s * 0.1), 310 + (s % 2 * 0.3)); // 6 % LEL a minute: red (50) at 495 s
        }

        var forecast = _changes.First(c => c.Alert.RuleId == "ch4_lel.forecast").Alert;
        var red = _changes.First(c => c.Alert.RuleId == "ch4_lel.high" && c.Alert.Level == WarningLevel.Red).Alert;
        Assert.Equal(WarningLevel.Yellow, forecast.Level);
        Assert.True(red.ReadingTime - forecast.ReadingTime >= TimeSpan.FromMinutes(2));
        Assert.Contains("forecast to reach 50", forecast.Message, StringComparison.Ordinal);
        var details = forecast.Details!;
        Assert.Equal(6, details["slopePerMinute"], 6);
        Assert.InRange(details["secondsToThreshold"], 0, 300);
        Assert.True(details["windowSamples"] >= 30);
        Assert.Equal(0, details["residualSpread"], 6);
    }

    [Fact]
    public void A_falling_pressure_raises_the_rate_alert_and_a_pressure_loss_with_methane_the_compound_one()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);

        for (var s = 0; s <= 240; s += 5)
        {
            Sample(evaluator, s, s < 120 ? 1 : 15, 310 - (s * 0.5)); // 30 kPa/min down to 190 kPa
        }

        Assert.Contains(_changes, c => c.Alert.RuleId == "pressure_kpa.falling" && c.Alert.Level == WarningLevel.Red);
        var compound = Assert.Single(_changes, c => c.Alert.RuleId == "leak.confirmed");
        Assert.Equal(WarningLevel.Red, compound.Alert.Level);
        Assert.Equal(15, compound.Alert.Details!["ch4_lel"]);
    }

    [Fact]
    public void A_stuck_pressure_sensor_raises_its_own_alert_with_how_long()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);

        for (var s = 0; s <= 300; s += 5)
        {
            Sample(evaluator, s, 1 + (s % 2 * 0.1), 312.4);
        }

        var stuck = Assert.Single(_changes);
        Assert.Equal("sensor.pressure_kpa.stuck", stuck.Alert.RuleId);
        Assert.Equal(WarningLevel.Yellow, stuck.Alert.Level);
        Assert.Equal(300, stuck.Alert.Details!["stuckSeconds"]);
    }

    [Fact]
    public void A_spiking_sensor_holds_back_its_process_alarm_records_it_and_lets_it_through_once_sound()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(holdBack: true), T0);
        var s = 0;
        foreach (var pressure in new double[] { 310, 310, 310, 310, 310, 400, 310, 250, 310, 360 })
        {
            Sample(evaluator, s += 5, 1, pressure);
        }

        Assert.Contains(_changes, c => c.Kind == AlertChangeKind.Raised && c.Alert.RuleId == "sensor.pressure_kpa.spike");
        _changes.Clear();

        // A real drop to 180 kPa (yellow) while the sensor is judged spiking: held back, written on the sensor's alert.
        Sample(evaluator, s += 5, 1, 180);
        Assert.DoesNotContain(_changes, c => c.Alert.RuleId == "pressure_kpa.low");
        var held = Assert.Single(_changes, c => c.Alert.RuleId == "sensor.pressure_kpa.spike").Alert;
        Assert.Equal((int)WarningLevel.Yellow, held.Details!["heldBack.pressure_kpa.low"]);

        // A whole spike window without a jump: the sensor is sound again and the alarm it held back goes out.
        for (var i = 0; i < 25; i++)
        {
            Sample(evaluator, s += 5, 1, 180);
        }

        Assert.Contains(_changes, c => c.Kind == AlertChangeKind.Cleared && c.Alert.RuleId == "sensor.pressure_kpa.spike");
        var low = Assert.Single(_changes, c => c.Alert.RuleId == "pressure_kpa.low");
        Assert.Equal(AlertChangeKind.Raised, low.Kind);
        Assert.Equal(WarningLevel.Yellow, low.Alert.Level);
    }

    [Fact]
    public void An_impossible_value_raises_the_sensor_alert_instead_of_a_red_and_the_hold_back_is_recorded()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(holdBack: true), T0);
        Sample(evaluator, 0, 1, 310);

        Sample(evaluator, 5, 1, -40);

        var change = Assert.Single(_changes, c => c.Alert.RuleId.StartsWith("sensor.", StringComparison.Ordinal) && c.Kind == AlertChangeKind.Updated);
        Assert.Equal("sensor.pressure_kpa.impossible", change.Alert.RuleId);
        Assert.Equal((int)WarningLevel.Red, change.Alert.Details!["heldBack.pressure_kpa.low"]);
        Assert.Contains("holding back pressure_kpa.low (Red)", change.Alert.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_changes, c => c.Alert.RuleId == "pressure_kpa.low");
    }

    [Fact]
    public void Without_hold_back_a_faulty_sensor_still_raises_its_process_alarms()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(holdBack: false), T0);
        Sample(evaluator, 0, 1, 310);

        Sample(evaluator, 5, 1, -40);

        Assert.Contains(_changes, c => c.Alert.RuleId == "sensor.pressure_kpa.impossible" && c.Kind == AlertChangeKind.Raised);
        Assert.Contains(_changes, c => c.Alert.RuleId == "pressure_kpa.low" && c.Alert.Level == WarningLevel.Red);
    }

    [Fact]
    public void After_a_restart_an_active_forecast_is_neither_raised_again_nor_dropped()
    {
        var evaluator = new AssetEvaluator("gp-1", PipelineWithTrends(), T0);
        var s = 0;
        for (; s < 600 && !evaluator.Alerts.Any(a => a.RuleId == "ch4_lel.forecast"); s += 5)
        {
            Sample(evaluator, s, 0.5 + (s * 0.1), 310 + (s % 2 * 0.3));
        }

        var restored = AssetEvaluator.Restore("gp-1", PipelineWithTrends(), evaluator.Snapshot(), T0.AddSeconds(s));
        _changes.Clear();
        for (var i = 0; i < 40; i++, s += 5)
        {
            Sample(restored, s, 0.5 + (s * 0.1), 310 + (s % 2 * 0.3));
        }

        Assert.DoesNotContain(_changes, c => c.Alert.RuleId == "ch4_lel.forecast");
        Assert.Equal(WarningLevel.Yellow, restored.Alerts.Single(a => a.RuleId == "ch4_lel.forecast").Level);
    }
}
