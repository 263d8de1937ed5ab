using CsCheck;
using RiskMonitor.Domain.Rules;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class CompoundRuleTests
{
    private static CompoundRule Leak(CompoundOperator op) => new(new CompoundRuleDefinition(
        "leak.confirmed",
        op,
        [
            new CompoundCondition("ch4_lel", ThresholdDirection.Above, 10, TimeSpan.FromSeconds(10), 0.9),
            new CompoundCondition("pressure_kpa", ThresholdDirection.Below, 250, TimeSpan.FromSeconds(30), 0.9),
        ],
        WarningLevel.Red));

    [Fact]
    public void And_raises_only_when_both_conditions_have_held_for_their_own_hold_times()
    {
        var rule = Leak(CompoundOperator.And);

        rule.Evaluate("pressure_kpa", 240, T0);
        Assert.Equal(WarningLevel.None, rule.Evaluate("ch4_lel", 12, T0));
        Assert.Equal(WarningLevel.None, rule.Evaluate("ch4_lel", 12, T0.AddSeconds(10))); // methane held, pressure not yet
        Assert.Equal(WarningLevel.None, rule.Evaluate("pressure_kpa", 240, T0.AddSeconds(29)));
        Assert.Equal(WarningLevel.Red, rule.Evaluate("pressure_kpa", 240, T0.AddSeconds(30)));
    }

    [Fact]
    public void Or_raises_when_either_condition_holds()
    {
        var rule = Leak(CompoundOperator.Or);

        rule.Evaluate("ch4_lel", 12, T0);
        Assert.Equal(WarningLevel.Red, rule.Evaluate("ch4_lel", 12, T0.AddSeconds(10)));
        Assert.Equal(WarningLevel.None, rule.Evaluate("ch4_lel", 8, T0.AddSeconds(15)));
    }

    [Fact]
    public void A_held_condition_stays_inside_its_dead_band_and_a_break_restarts_its_hold()
    {
        var rule = Leak(CompoundOperator.Or);
        rule.Evaluate("ch4_lel", 12, T0);
        rule.Evaluate("ch4_lel", 12, T0.AddSeconds(10));

        Assert.Equal(WarningLevel.Red, rule.Evaluate("ch4_lel", 9.5, T0.AddSeconds(15))); // above the clear point, 9
        Assert.Equal(WarningLevel.None, rule.Evaluate("ch4_lel", 8.9, T0.AddSeconds(20)));
        Assert.Equal(WarningLevel.None, rule.Evaluate("ch4_lel", 12, T0.AddSeconds(25)));
        Assert.Equal(WarningLevel.Red, rule.Evaluate("ch4_lel", 12, T0.AddSeconds(35)));
    }

    [Fact]
    public void A_metric_that_never_reported_holds_nothing()
    {
        var rule = Leak(CompoundOperator.And);

        rule.Evaluate("ch4_lel", 40, T0);

        Assert.Equal(WarningLevel.None, rule.Evaluate("ch4_lel", 40, T0.AddMinutes(10)));
    }

    [Fact]
    public void And_is_never_above_or_on_the_same_samples()
    {
        var sample = Gen.Select(Gen.Bool, Gen.Double[0, 20], Gen.Double[200, 300], Gen.Int[1, 20]);
        sample.Array[1, 60].Sample(samples =>
        {
            var and = Leak(CompoundOperator.And);
            var or = Leak(CompoundOperator.Or);
            var at = T0;
            foreach (var (methane, ch4, pressure, gap) in samples)
            {
                at = at.AddSeconds(gap);
                var (metric, value) = methane ? ("ch4_lel", ch4) : ("pressure_kpa", pressure);
                Assert.True(and.Evaluate(metric, value, at) <= or.Evaluate(metric, value, at));
            }
        });
    }
}
