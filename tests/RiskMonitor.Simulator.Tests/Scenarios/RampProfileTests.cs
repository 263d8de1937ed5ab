using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Tests.Scenarios;

public sealed class RampProfileTests
{
    [Fact]
    public void A_gas_leak_crosses_red_and_ends_below_every_clear_point()
    {
        var ramp = RampProfile.GasLeak;

        var samples = Enumerable.Range(0, 100).Select(s => ramp.ValueAt(TimeSpan.FromSeconds(s))).ToList();

        Assert.True(samples.Max() >= 50);
        Assert.True(ramp.ValueAt(ramp.Duration) < 4.5);
        Assert.True(samples[0] < 4.5);
        Assert.Equal(TimeSpan.FromSeconds(80), ramp.Duration);
    }

    [Fact]
    public void A_gas_leak_passes_through_every_level_on_the_way_up()
    {
        var ramp = RampProfile.GasLeak;

        foreach (var threshold in (double[])[5, 10, 25, 50])
        {
            Assert.Contains(Enumerable.Range(0, 40), s => ramp.ValueAt(TimeSpan.FromSeconds(s)) < threshold
                && ramp.ValueAt(TimeSpan.FromSeconds(s + 1)) >= threshold);
        }
    }

    [Fact]
    public void Over_pressure_peaks_above_the_red_threshold_and_returns()
    {
        var ramp = RampProfile.OverPressure;

        Assert.True(ramp.ValueAt(ramp.Rise + (ramp.Hold / 2)) >= 750);
        Assert.True(ramp.ValueAt(ramp.Duration + TimeSpan.FromSeconds(1)) < 600 * 0.97);
    }
}
