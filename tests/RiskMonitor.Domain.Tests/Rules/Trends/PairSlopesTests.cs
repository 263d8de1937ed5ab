using CsCheck;
using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Tests.Rules.Trends;

public sealed class PairSlopesTests
{
    [Fact]
    public void Kept_up_to_date_sample_by_sample_it_agrees_with_a_fresh_fit_of_the_newest_window()
    {
        // Any window size, spacing and values (at a sensor's resolution, 0.001), with late samples (not added) thrown in:
        // the incremental median and sign test are those of RobustTrend over the same samples, within the float the
        // window stores.
        var reading = Gen.Double[-1e3, 1e3].Select(v => Math.Round(v, 3));
        Gen.Select(Gen.Int[4, 64], Gen.Select(Gen.Int[-3, 30], reading).Array[1, 300]).Sample((windowSamples, samples) =>
        {
            var slopes = new PairSlopes(windowSamples);
            var window = new SampleWindow("m", slopes.WindowCapacity);
            var at = TestRules.T0;
            foreach (var (step, value) in samples)
            {
                at = at.AddSeconds(step);
                if (!window.Add(at, value))
                {
                    continue;
                }

                slopes.Update(window);
                Assert.Equal(window.Added >= slopes.Span, slopes.Full);
                if (!slopes.Full)
                {
                    continue;
                }

                var seconds = new double[slopes.Span];
                var values = new double[slopes.Span];
                window.CopyNewest(seconds, values);
                var fit = RobustTrend.Fit(seconds, values);
                Assert.Equal(fit.SlopePerSecond, slopes.Median, 1e-4 * (1 + Math.Abs(fit.SlopePerSecond)));
                if (Math.Abs(fit.SlopePerSecond) > 1e-3)
                {
                    Assert.Equal(fit.Agreement, slopes.Agreement, 1e-9);
                }
            }
        });
    }

    [Fact]
    public void After_the_window_is_emptied_it_starts_over()
    {
        var slopes = new PairSlopes(4);
        var window = new SampleWindow("m", slopes.WindowCapacity);
        for (var i = 0; i < 6; i++)
        {
            window.Add(TestRules.T0.AddSeconds(i), i);
            slopes.Update(window);
        }

        Assert.True(slopes.Full);
        window.Clear();
        window.Add(TestRules.T0.AddSeconds(100), 5);
        slopes.Update(window);

        Assert.False(slopes.Full);
    }

    [Fact]
    public void A_caller_that_skipped_samples_gets_the_pairs_of_what_the_window_still_holds()
    {
        var slopes = new PairSlopes(4);
        var window = new SampleWindow("m", slopes.WindowCapacity);
        for (var i = 0; i < 20; i++)
        {
            window.Add(TestRules.T0.AddSeconds(i), i * 2.0);
        }

        slopes.Update(window);

        Assert.True(slopes.Full);
        Assert.Equal(2, slopes.Median, 6);
    }
}
