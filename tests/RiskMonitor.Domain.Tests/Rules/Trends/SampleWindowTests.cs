using CsCheck;
using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Tests.Rules.Trends;

public sealed class SampleWindowTests
{
    [Fact]
    public void The_window_keeps_the_newest_samples_oldest_first_relative_to_the_newest()
    {
        var window = new SampleWindow("ch4_lel", 3);
        for (var i = 0; i < 5; i++)
        {
            window.Add(TestRules.T0.AddSeconds(i * 5), i);
        }

        var seconds = new double[3];
        var values = new double[3];
        Assert.Equal(3, window.CopyNewest(seconds, values));

        Assert.Equal([-10, -5, 0], seconds);
        Assert.Equal([2, 3, 4], values);
    }

    [Fact]
    public void Late_repeated_and_non_finite_samples_are_not_added()
    {
        var window = new SampleWindow("ch4_lel", 4);

        Assert.True(window.Add(TestRules.T0.AddSeconds(10), 1));
        Assert.False(window.Add(TestRules.T0.AddSeconds(10), 2));
        Assert.False(window.Add(TestRules.T0.AddSeconds(5), 3));
        Assert.False(window.Add(TestRules.T0.AddSeconds(15), double.NaN));

        Assert.Equal(1, window.Count);
    }

    [Fact]
    public void Months_of_samples_keep_their_spacing()
    {
        // Offsets are int milliseconds from a base that moves up: past 24.8 days they must still be right.
        var window = new SampleWindow("pressure_kpa", 4);
        var at = TestRules.T0;
        for (var day = 0; day < 60; day++)
        {
            window.Add(at, day);
            window.Add(at.AddSeconds(5), day + 0.5);
            at = at.AddDays(1);
        }

        var seconds = new double[4];
        var values = new double[4];
        window.CopyNewest(seconds, values);

        Assert.Equal([-86_405, -86_400, -5, 0], seconds);
        Assert.Equal([58, 58.5, 59, 59.5], values);
    }

    [Fact]
    public void Whatever_arrives_the_window_holds_strictly_increasing_times_ending_at_zero()
    {
        Gen.Select(Gen.Int[2, 16], Gen.Select(Gen.Long[-100_000, 10_000_000], Gen.Double[-1e3, 1e3]).Array[0, 200])
            .Sample((capacity, samples) =>
            {
                var window = new SampleWindow("m", capacity);
                foreach (var (ms, value) in samples)
                {
                    window.Add(TestRules.T0.AddMilliseconds(ms), value);
                }

                var seconds = new double[capacity];
                var values = new double[capacity];
                var n = window.CopyNewest(seconds, values);

                Assert.Equal(Math.Min(capacity, window.Count), n);
                for (var i = 1; i < n; i++)
                {
                    Assert.True(seconds[i] > seconds[i - 1]);
                }

                if (n > 0)
                {
                    Assert.Equal(0, seconds[n - 1]);
                }
            });
    }
}
