using Microsoft.Extensions.Logging;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>A long outage fills the spool: readings are then dropped, counted and logged, and nothing else is lost.</summary>
public sealed class InfluxSpoolFullTests : OwnInfluxTest
{
    private const long MaxSpoolBytes = 2048;
    [Fact]
    public async Task When_the_spool_is_full_readings_are_dropped_and_counted_and_the_spooled_ones_still_arrive()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartInfluxAsync("full", ct);
        var first = new LiveWriter(Influx, "full", Folder.Spool, o => (o.BatchSize, o.MaxSpoolBytes) = (20, MaxSpoolBytes));
        for (var i = 0; i < 20; i++)
        {
            await first.Writer.WriteAsync(Readings.Numbered(i, assetId: "full-1"), ct);
        }
        await Readings.Until(() => first.Writer.GetStats().Written == 20, "the first batch written");

        await Influx.StopAsync(ct);
        for (var i = 20; i < 2020; i++)
        {
            await first.Writer.WriteAsync(Readings.Numbered(i, assetId: "full-1"), ct);
        }
        await first.DisposeAsync();
        var stats = first.Writer.GetStats();
        await Influx.StartAsync(ct);
        await using var second = new LiveWriter(Influx, "full", Folder.Spool, o => o.CreateDatabase = false);
        await Readings.Until(() => !second.Writer.GetStats().Spooling, "the spool replayed");

        Assert.True(stats.Dropped > 0);
        Assert.True(stats.SpooledBytes <= MaxSpoolBytes);
        Assert.Equal(stats.Accepted, stats.Written + stats.SpooledPoints + stats.Dropped);
        Assert.Contains(first.Logger.Entries, e => e.EventId.Id == 3006 && e.Level == LogLevel.Error);
        Assert.Equal(stats.Written + stats.SpooledPoints,
            await Influx.CountPointsAsync("full", "telemetry", cancellationToken: ct));
    }
}
