using CsCheck;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Trends;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class RateOfChangeRuleTests
{
    private static (RateOfChangeRule Rule, SampleWindow Window) Fresh()
    {
        var definition = PressureFalling();
        var window = new SampleWindow(definition.Metric, new PairSlopes(definition.WindowSamples).WindowCapacity);
        return (new RateOfChangeRule(definition, window), window);
    }

    private static WarningLevel Feed(RateOfChangeRule rule, SampleWindow window, int second, double value)
    {
        var at = T0.AddSeconds(second);
        window.Add(at, value);
        return rule.Evaluate(at);
    }

    [Fact]
    public void A_fall_of_20_kPa_a_minute_raises_yellow_after_its_confirm_time_and_not_before()
    {
        var (rule, window) = Fresh();
        var levels = new List<(int Second, WarningLevel Level)>();

        for (var s = 0; s <= 90; s += 5)
        {
            levels.Add((s, Feed(rule, window, s, 310 - (s / 3.0))));
        }

        // The window (12 samples) is full at 55 s; yellow then holds its 10 s confirm time.
        Assert.All(levels.Where(l => l.Second < 65), l => Assert.Equal(WarningLevel.None, l.Level));
        Assert.All(levels.Where(l => l.Second >= 65), l => Assert.Equal(WarningLevel.Yellow, l.Level));
        Assert.Equal(-20, rule.RatePerMinute, 4); // floats in the window: 7 significant digits
    }

    [Fact]
    public void A_steady_noisy_pressure_raises_nothing()
    {
        var (rule, window) = Fresh();
        var random = new Random(5);

        for (var s = 0; s < 3600; s += 5)
        {
            Assert.Equal(WarningLevel.None, Feed(rule, window, s, 310 + random.NextDouble() - 0.5));
        }
    }

    [Fact]
    public void The_rate_of_any_ramp_is_its_slope_per_minute()
    {
        Gen.Select(Gen.Double[-100, 100], Gen.Double[0, 1000], Gen.Int[1, 60]).Sample((perMinute, start, stepSeconds) =>
        {
            var (rule, window) = Fresh();
            for (var i = 0; i < 12; i++)
            {
                Feed(rule, window, i * stepSeconds, start + (perMinute * i * stepSeconds / 60));
            }

            // The window stores floats (7 significant digits): the tolerance scales with the values' size.
            var largest = Math.Abs(start) + Math.Abs(perMinute * 12 * stepSeconds / 60);
            Assert.Equal(perMinute, rule.RatePerMinute, 1e-5 * (1 + largest + Math.Abs(perMinute)));
        });
    }

    [Fact]
    public void Details_name_the_rate_and_its_window()
    {
        var (rule, window) = Fresh();
        for (var s = 0; s <= 55; s += 5)
        {
            Feed(rule, window, s, 310 - s);
        }

        var details = rule.Details();

        Assert.Equal(-60, details["ratePerMinute"], 4);
        Assert.Equal(12, details["windowSamples"]);
        Assert.Equal(55, details["windowSeconds"]);
        Assert.Equal(1, details["agreement"]);
    }
}
