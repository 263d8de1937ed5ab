using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class ThresholdRuleTests
{
    [Fact]
    public void Yellow_is_raised_only_after_holding_for_the_confirm_time()
    {
        var rule = new ThresholdRule(Methane());

        Assert.Equal(WarningLevel.None, rule.Evaluate(12, T0));
        Assert.Equal(WarningLevel.None, rule.Evaluate(12, T0.AddSeconds(9)));
        Assert.Equal(WarningLevel.Yellow, rule.Evaluate(12, T0.AddSeconds(10)));
    }

    [Fact]
    public void Red_is_raised_by_the_first_sample()
    {
        var rule = new ThresholdRule(Methane());

        Assert.Equal(WarningLevel.Red, rule.Evaluate(55, T0));
    }

    [Fact]
    public void A_dip_below_the_threshold_restarts_the_confirm_clock()
    {
        var rule = new ThresholdRule(Methane());

        rule.Evaluate(12, T0);
        rule.Evaluate(3, T0.AddSeconds(5));
        rule.Evaluate(12, T0.AddSeconds(6));

        Assert.Equal(WarningLevel.None, rule.Evaluate(12, T0.AddSeconds(15)));
        Assert.Equal(WarningLevel.Yellow, rule.Evaluate(12, T0.AddSeconds(16)));
    }

    [Fact]
    public void A_rise_through_yellow_into_orange_confirms_yellow_on_its_own_clock()
    {
        var rule = new ThresholdRule(Methane());

        rule.Evaluate(12, T0);
        Assert.Equal(WarningLevel.None, rule.Evaluate(30, T0.AddSeconds(5)));

        Assert.Equal(WarningLevel.Yellow, rule.Evaluate(30, T0.AddSeconds(10)));
        Assert.Equal(WarningLevel.Orange, rule.Evaluate(30, T0.AddSeconds(15)));
    }

    [Fact]
    public void Each_level_is_reached_and_left_in_turn_on_a_ramp()
    {
        var rule = new ThresholdRule(Methane());
        var seen = new List<WarningLevel>();
        double[] ramp = [1, 6, 6, 6, 12, 12, 12, 30, 30, 30, 55, 40, 20, 8, 4, 1];

        for (var i = 0; i < ramp.Length; i++)
        {
            var level = rule.Evaluate(ramp[i], T0.AddSeconds(i * 5));
            if (seen.Count == 0 || seen[^1] != level)
            {
                seen.Add(level);
            }
        }

        Assert.Equal(
            [WarningLevel.None, WarningLevel.Blue, WarningLevel.Yellow, WarningLevel.Orange, WarningLevel.Red,
             WarningLevel.Orange, WarningLevel.Yellow, WarningLevel.Blue, WarningLevel.None],
            seen);
    }

    [Theory]
    [InlineData(45.0, WarningLevel.Red)]
    [InlineData(44.9, WarningLevel.Orange)]
    public void Red_holds_inside_its_dead_band(double value, WarningLevel expected)
    {
        var rule = new ThresholdRule(Methane());
        rule.Evaluate(60, T0);

        Assert.Equal(expected, rule.Evaluate(value, T0.AddSeconds(1)));
    }

    [Fact]
    public void Noise_around_a_threshold_does_not_flap_the_level()
    {
        var rule = new ThresholdRule(Methane());
        rule.Evaluate(51, T0);
        var levels = new HashSet<WarningLevel>();

        for (var i = 1; i <= 20; i++)
        {
            levels.Add(rule.Evaluate(i % 2 == 0 ? 50.5 : 46, T0.AddSeconds(i)));
        }

        Assert.Equal([WarningLevel.Red], levels);
    }

    [Fact]
    public void Out_of_order_and_duplicate_samples_are_ignored()
    {
        var rule = new ThresholdRule(Methane());
        rule.Evaluate(12, T0);
        rule.Evaluate(12, T0.AddSeconds(10));

        Assert.Equal(WarningLevel.Yellow, rule.Evaluate(1, T0.AddSeconds(5))); // late
        Assert.Equal(WarningLevel.Yellow, rule.Evaluate(1, T0.AddSeconds(10))); // duplicate time
        Assert.Equal(12, rule.LastValue);
        Assert.Equal(WarningLevel.None, rule.Evaluate(1, T0.AddSeconds(11)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_values_are_rejected_without_touching_the_state(double value)
    {
        var rule = new ThresholdRule(Methane());
        rule.Evaluate(60, T0);

        Assert.Equal(WarningLevel.Red, rule.Evaluate(value, T0.AddSeconds(1)));
        Assert.Equal(T0, rule.LastSampleAt);
    }

    [Fact]
    public void A_below_rule_raises_on_falling_values()
    {
        var rule = new ThresholdRule(LowPressure());

        Assert.Equal(WarningLevel.None, rule.Evaluate(310, T0));
        Assert.Equal(WarningLevel.Red, rule.Evaluate(90, T0.AddSeconds(1)));
        Assert.Equal(WarningLevel.Yellow, rule.Evaluate(150, T0.AddSeconds(2)));
        Assert.Equal(WarningLevel.None, rule.Evaluate(300, T0.AddSeconds(3)));
    }

    [Fact]
    public void A_restored_rule_carries_on_where_it_left_off()
    {
        var rule = new ThresholdRule(Methane());
        rule.Evaluate(12, T0);
        var restored = new ThresholdRule(Methane());

        restored.Restore(rule.Snapshot());

        Assert.Equal(WarningLevel.Yellow, restored.Evaluate(12, T0.AddSeconds(10)));
    }
}
