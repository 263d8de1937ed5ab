using CsCheck;
using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Tests.Rules.Trends;

public sealed class RobustTrendTests
{
    [Fact]
    public void A_straight_line_is_fitted_exactly()
    {
        double[] seconds = [0, 5, 10, 15, 20, 25];
        var values = seconds.Select(t => 3 + (0.5 * t)).ToArray();

        var fit = RobustTrend.Fit(seconds, values);

        Assert.Equal(0.5, fit.SlopePerSecond, 12);
        Assert.Equal(15.5, fit.LevelNow, 12);
        Assert.Equal(1.0, fit.Agreement);
        Assert.Equal(6, fit.Samples);
        Assert.Equal(25, fit.SpanSeconds);
    }

    [Fact]
    public void Any_line_with_any_spacing_is_recovered()
    {
        Gen.Select(Gen.Double[-100, 100], Gen.Double[-1000, 1000], Gen.Int[2, 120], Gen.Double[0.1, 30].Array[120])
            .Sample((slope, intercept, n, gaps) =>
            {
                var seconds = new double[n];
                for (var i = 1; i < n; i++)
                {
                    seconds[i] = seconds[i - 1] + gaps[i];
                }

                var values = seconds.Select(t => intercept + (slope * t)).ToArray();

                var fit = RobustTrend.Fit(seconds, values);

                var newest = intercept + (slope * seconds[^1]);
                Assert.Equal(slope, fit.SlopePerSecond, 1e-6 * (1 + Math.Abs(slope)));
                Assert.Equal(newest, fit.LevelNow, 1e-6 * (1 + Math.Abs(newest) + Math.Abs(intercept)));
            });
    }

    [Fact]
    public void Up_to_a_fifth_of_the_window_wild_does_not_move_the_slope_far()
    {
        // Breakdown of the disjoint-pair estimator is a quarter of the window; a fifth leaves room for the noise.
        Gen.Select(Gen.Double[-2, 2], Gen.Int[20, 120], Gen.Int[0, int.MaxValue]).Sample((slope, n, seed) =>
        {
            var random = new Random(seed);
            var seconds = Enumerable.Range(0, n).Select(i => i * 5.0).ToArray();
            var values = seconds.Select(t => 100 + (slope * t) + (random.NextDouble() - 0.5)).ToArray();
            foreach (var i in Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(n / 5))
            {
                values[i] = random.Next(2) == 0 ? 1e6 : -1e6;
            }

            var fit = RobustTrend.Fit(seconds, values);

            // Unit-amplitude noise over pairs n/2 samples (>= 50 s) apart bounds each clean slope's error to 1 / 50.
            Assert.InRange(fit.SlopePerSecond, slope - 0.05, slope + 0.05);
        });
    }

    [Fact]
    public void The_median_is_the_middle_of_the_sorted_data()
    {
        Gen.Double[-1e6, 1e6].Array[1, 300].Sample(data =>
        {
            var sorted = data.OrderBy(d => d).ToArray();
            var expected = sorted.Length % 2 == 1
                ? sorted[sorted.Length / 2]
                : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

            Assert.Equal(expected, RobustTrend.Median(data.ToArray()));
        });
    }

    [Fact]
    public void Pure_noise_rarely_shows_agreement_of_four_fifths()
    {
        // Disjoint pairs make the agreement an exact sign test: P(>= 24 of 30 agree | no trend) = 2 x 0.0007.
        var random = new Random(22);
        var seconds = Enumerable.Range(0, 60).Select(i => i * 5.0).ToArray();
        var agreeing = 0;
        for (var run = 0; run < 2000; run++)
        {
            var values = seconds.Select(_ => 310 + random.NextDouble()).ToArray();
            if (RobustTrend.Fit(seconds, values).Agreement >= 0.8)
            {
                agreeing++;
            }
        }

        Assert.InRange(agreeing, 0, 2000 * 0.005);
    }
}
