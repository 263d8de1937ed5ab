using CsCheck;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Trends;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class ForecastRuleTests
{
    private static (ForecastRule Rule, SampleWindow Window) Fresh(int window = 60, double leadSeconds = 300)
    {
        var definition = MethaneForecast(window, leadSeconds);
        var samples = new SampleWindow(definition.Metric, new PairSlopes(definition.WindowSamples).WindowCapacity);
        return (new ForecastRule(definition, samples), samples);
    }

    private static WarningLevel Feed(ForecastRule rule, SampleWindow window, double second, double value)
    {
        var at = T0.AddSeconds(second);
        window.Add(at, value);
        return rule.Evaluate(at);
    }

    [Fact]
    public void A_slow_leak_is_warned_once_red_is_within_the_lead_time()
    {
        // 1 % LEL rising 5 % LEL a minute from t = 300 s: red (50) at 888 s, so the 5 min lead time starts at 588 s.
        var (rule, window) = Fresh();
        var random = new Random(1);
        double? warnedAt = null;

        for (var s = 0; s < 888; s += 5)
        {
            var value = 1 + (s > 300 ? (s - 300) / 12.0 : 0) + (0.2 * (random.NextDouble() - 0.5));
            if (Feed(rule, window, s, value) == WarningLevel.Yellow)
            {
                warnedAt ??= s;
            }
        }

        Assert.NotNull(warnedAt);
        Assert.InRange(warnedAt.Value, 560, 640);
        Assert.InRange(rule.SecondsToThreshold!.Value, 0, 30);
    }

    [Fact]
    public void A_noisy_steady_level_is_never_warned_even_near_the_threshold()
    {
        Gen.Select(Gen.Double[0, 45], Gen.Double[0.01, 3], Gen.Int[0, int.MaxValue]).Sample((level, noise, seed) =>
        {
            var (rule, window) = Fresh();
            var random = new Random(seed);
            var warnings = 0;
            for (var s = 0; s < 1800; s += 5)
            {
                warnings += Feed(rule, window, s, level + (noise * (random.NextDouble() - 0.5))) == WarningLevel.Yellow ? 1 : 0;
            }

            // The sign test lets a run through now and then (about 1 in 700 fits); it must not become a habit.
            Assert.InRange(warnings, 0, 3);
        }, iter: 100);
    }

    [Fact]
    public void For_a_clean_ramp_the_forecast_is_the_gap_over_the_slope()
    {
        Gen.Select(Gen.Double[0.001, 2], Gen.Double[0, 49], Gen.Int[4, 120]).Sample((slope, start, n) =>
        {
            var (rule, window) = Fresh(window: n, leadSeconds: 1e9);
            for (var i = 0; i < n; i++)
            {
                Feed(rule, window, i * 5, start + (slope * i * 5));
            }

            var now = start + (slope * (n - 1) * 5);
            var expected = now >= 50 ? 0 : (50 - now) / slope;
            Assert.Equal(expected, rule.SecondsToThreshold!.Value, 1e-4 * (1 + expected)); // float storage: 7 digits
        });
    }

    [Fact]
    public void A_falling_trend_forecasts_nothing()
    {
        var (rule, window) = Fresh();

        for (var s = 0; s < 300; s += 5)
        {
            Feed(rule, window, s, 40 - (s / 10.0));
        }

        Assert.Null(rule.SecondsToThreshold);
        Assert.Equal(WarningLevel.None, rule.Level);
    }

    [Fact]
    public void Once_warned_the_forecast_holds_until_past_one_and_a_half_lead_times()
    {
        // 12 samples 5 s apart, lead time 100 s. The slope eases from 0.15 to 0.07 and then 0.03 per second.
        var (warned, window) = Fresh(window: 12, leadSeconds: 100);
        var (fresh, freshWindow) = Fresh(window: 12, leadSeconds: 100);
        var value = 30.0;
        var s = 0;
        void Phase(double slope, bool both)
        {
            for (var i = 0; i < 12; i++, s += 5, value += slope * 5)
            {
                Feed(warned, window, s, value);
                if (both)
                {
                    Feed(fresh, freshWindow, s, value);
                }
            }
        }

        Phase(0.15, both: false); // 38.25 at 55 s: 78 s to go
        Assert.Equal(WarningLevel.Yellow, warned.Level);

        Phase(0.07, both: true); // 42.85 at 115 s: 102 s to go, beyond the lead time but within 1.5 of it
        Assert.InRange(warned.SecondsToThreshold!.Value, 100, 150);
        Assert.Equal(WarningLevel.Yellow, warned.Level);
        Assert.Equal(WarningLevel.None, fresh.Level);

        Phase(0.03, both: false); // 44.85 at 175 s: 172 s to go
        Assert.Equal(WarningLevel.None, warned.Level);
    }

    [Fact]
    public void The_warning_carries_the_prediction_the_window_and_the_fit()
    {
        var (rule, window) = Fresh();
        for (var s = 0; s < 300; s += 5)
        {
            Feed(rule, window, s, 25 + (s * 0.05));
        }

        var details = rule.Details();

        Assert.Equal(WarningLevel.Yellow, rule.Level);
        Assert.Equal(50, details["threshold"]);
        Assert.Equal(300, details["leadSeconds"]);
        // The window stores floats: 7 significant digits.
        Assert.Equal(3, details["slopePerMinute"], 4);
        Assert.Equal(39.75, details["levelNow"], 4);
        Assert.Equal(205, details["secondsToThreshold"], 3);
        Assert.Equal(60, details["windowSamples"]);
        Assert.Equal(295, details["windowSeconds"]);
        Assert.Equal(1, details["agreement"]);
        Assert.Equal(0, details["residualSpread"], 3);
    }
}
