using CsCheck;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class SensorHealthRuleTests
{
    [Fact]
    public void A_value_outside_the_physical_range_is_impossible_until_a_possible_one_arrives()
    {
        var rule = new SensorHealthRule(PressureSensor());

        rule.Evaluate(-3, T0);
        Assert.True(rule.Impossible);
        Assert.True(rule.LastWasImpossible);

        rule.Evaluate(310, T0.AddSeconds(5));
        Assert.False(rule.Faulty);
    }

    [Fact]
    public void The_same_value_for_five_minutes_is_stuck_and_a_change_frees_it()
    {
        var rule = new SensorHealthRule(PressureSensor());

        for (var s = 0; s < 300; s += 5)
        {
            rule.Evaluate(312.4 + (s % 10 == 0 ? 0.02 : 0), T0.AddSeconds(s)); // within the 0.05 tolerance
        }

        Assert.False(rule.Stuck);
        rule.Evaluate(312.4, T0.AddSeconds(300));
        Assert.True(rule.Stuck);
        Assert.Equal(300, rule.Details(SensorFault.Stuck, T0.AddSeconds(300))["stuckSeconds"]);

        rule.Evaluate(313.1, T0.AddSeconds(305));
        Assert.False(rule.Stuck);
    }

    [Fact]
    public void A_sensor_resting_at_the_bottom_of_its_range_is_not_stuck()
    {
        var methane = new SensorHealthRule(new SensorHealthRuleDefinition(
            "sensor.ch4_lel", "ch4_lel", WarningLevel.Yellow, Min: 0, Max: 100, StuckAfter: TimeSpan.FromMinutes(5)));

        for (var s = 0; s <= 3600; s += 5)
        {
            methane.Evaluate(0, T0.AddSeconds(s));
        }

        Assert.False(methane.Stuck);
    }

    [Fact]
    public void Three_spikes_in_twenty_samples_make_a_spiking_sensor_and_a_clean_window_clears_it()
    {
        var rule = new SensorHealthRule(PressureSensor());
        var s = 0;
        void Feed(double value) => rule.Evaluate(value, T0.AddSeconds(s += 5));

        for (var i = 0; i < 5; i++)
        {
            Feed(310);
        }

        Feed(400);
        Feed(310);
        Feed(250);
        Feed(310);
        Assert.False(rule.Spiking);
        Feed(360);
        Assert.True(rule.Spiking);
        Assert.Equal(3, rule.SpikesInWindow);

        for (var i = 0; i < 19; i++)
        {
            Feed(310);
        }

        Assert.True(rule.Spiking); // the last spike is still in the window
        Feed(310);
        Assert.False(rule.Spiking);
    }

    [Fact]
    public void A_steady_ramp_of_any_slope_within_the_spike_delta_per_sample_is_never_a_spike()
    {
        Gen.Select(Gen.Double[-5, 5], Gen.Double[0, 1000]).Sample((perSample, start) =>
        {
            var rule = new SensorHealthRule(PressureSensor() with { Min = null, Max = null });
            for (var i = 0; i < 200; i++)
            {
                rule.Evaluate(start + (perSample * i), T0.AddSeconds(i * 5));
                Assert.Equal(0, rule.SpikesInWindow);
            }
        });
    }
}
