namespace RiskMonitor.Load.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void The_deployed_mode_puts_the_live_path_in_the_real_time_class_only_when_asked()
    {
        Assert.False(LoadOptions.Parse([]).LiveRealTime);
        Assert.True(LoadOptions.Parse(["--live-priority", "realtime"]).LiveRealTime);
        Assert.False(LoadOptions.Parse(["--live-priority", "normal"]).LiveRealTime);
        var refused = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--live-priority", "high"]));
        Assert.Contains("realtime or normal", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_latency_window_is_a_start_and_a_length_in_seconds()
    {
        Assert.Null(LoadOptions.Parse([]).LatencyWindow);
        Assert.Equal((30, 45), LoadOptions.Parse(["--latency-window", "30:45"]).LatencyWindow);
        foreach (var bad in (string[])["30", "30:0", "-1:45", "a:b", "30:45:1"])
        {
            var refused = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--latency-window", bad]));
            Assert.Contains("FROM:SECONDS", refused.Message, StringComparison.Ordinal);
        }
    }
}
