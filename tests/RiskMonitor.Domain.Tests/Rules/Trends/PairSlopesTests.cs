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
    public void With_many_equal_slopes_entering_and_leaving_it_still_holds_exactly_the_windows_pairs()
    {
        // Few distinct values and steps, so that equal slopes enter and leave together (a leaving slope equal to the one
        // entering, to its neighbours, to zero): the set after each step is the newest window's pair slopes, exactly.
        var sample = Gen.Select(Gen.Int[1, 2].Select(s => s * TimeSpan.TicksPerSecond), Gen.Int[-1, 1].Select(v => (double)v));
        Gen.Select(Gen.Int[2, 12].Select(n => 2 * n), sample.Array[1, 200]).Sample((windowSamples, samples) =>
            Slide(windowSamples, samples, (slopes, pairs) =>
            {
                var median = MedianOf(pairs);
                Assert.Equal(median, slopes.Median);
                var agreeing = median > 0 ? pairs.Count(p => p > 0) : median < 0 ? pairs.Count(p => p < 0) : 0;
                Assert.Equal((double)agreeing / slopes.Half, slopes.Agreement);
            }));
    }

    [Fact]
    public void Slopes_that_are_not_numbers_or_infinite_keep_their_place_and_never_throw()
    {
        // Samples less than a millisecond apart (the window keeps milliseconds) and values beyond float's range give
        // NaN and infinite slopes; the set stays the window's pairs in float's own order, NaN first.
        long[] steps = [1_000, 4_000, TimeSpan.TicksPerMillisecond, 2 * TimeSpan.TicksPerMillisecond];
        double[] values = [0, 1, 1e39, -1e39];
        var sample = Gen.Select(Gen.Int[0, steps.Length - 1].Select(i => steps[i]), Gen.Int[0, values.Length - 1].Select(i => values[i]));
        Gen.Select(Gen.Int[2, 8].Select(n => 2 * n), sample.Array[1, 120]).Sample((windowSamples, samples) =>
            Slide(windowSamples, samples, (slopes, pairs) =>
                Assert.True(MedianOf(pairs).Equals(slopes.Median), $"median {slopes.Median}, expected {MedianOf(pairs)}")));
    }

    /// <summary>
    /// Adds each sample (ticks after the one before, value) to a window and updates its slopes; once the set is full,
    /// hands <paramref name="check"/> the slopes and the newest window's pair slopes, worked out afresh and sorted in
    /// float's own order.
    /// </summary>
    private static void Slide(int windowSamples, IEnumerable<(long Ticks, double Value)> samples, Action<PairSlopes, float[]> check)
    {
        var slopes = new PairSlopes(windowSamples);
        var window = new SampleWindow("m", slopes.WindowCapacity);
        var at = TestRules.T0;
        foreach (var (ticks, value) in samples)
        {
            at = at.AddTicks(ticks);
            window.Add(at, value);
            slopes.Update(window);
            if (slopes.Full)
            {
                var half = slopes.Half;
                var pairs = Enumerable.Range(0, half).Select(i => window.Added - half + i).Select(k => (float)window.SlopeBetween(k - half, k)).ToArray();
                Array.Sort(pairs);
                check(slopes, pairs);
            }
        }
    }

    /// <summary>The median as <see cref="PairSlopes.Median"/> takes it from its sorted floats.</summary>
    private static double MedianOf(float[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : ((double)sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

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
