using RiskMonitor.Load.Deployed;

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

    [Theory]
    [InlineData("postgres: checkpointer ", true)]
    [InlineData("postgres: background writer ", true)]
    [InlineData("postgres: walwriter ", true)]
    [InlineData("postgres: autovacuum launcher ", true)]
    [InlineData("postgres: autovacuum worker riskmonitor", true)]
    [InlineData("postgres: logical replication launcher ", true)]
    [InlineData("postgres: postgres riskmonitor 127.0.0.1(56102) idle", false)]
    [InlineData("postgres: postgres riskmonitor 127.0.0.1(56102) INSERT", false)]
    [InlineData("/usr/lib/postgresql/15/bin/postgres", false)]
    [InlineData("checkpointer", false)]
    public void A_real_time_run_moves_postgres_background_processes_but_never_a_backend(string title, bool background) =>
        Assert.Equal(background, LivePriority.IsPostgresBackground(title));
}
