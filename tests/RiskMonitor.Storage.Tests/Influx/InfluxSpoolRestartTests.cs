using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>The spool outlives the process: a writer stopped during an outage leaves its batches for the next one.</summary>
public sealed class InfluxSpoolRestartTests : OwnInfluxTest
{
    [Fact]
    public async Task A_new_writer_on_the_same_spool_replays_what_the_previous_one_could_not_send()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartInfluxAsync("restart", ct);
        await Influx.StopAsync(ct);
        var first = new LiveWriter(Influx, "restart", Folder.Spool, o => o.CreateDatabase = false);
        for (var i = 0; i < 500; i++)
        {
            await first.Writer.WriteAsync(Readings.Numbered(i, assetId: "restart-1"), ct);
        }

        await first.DisposeAsync();
        var left = first.Writer.GetStats();
        await Influx.StartAsync(ct);
        await using var second = new LiveWriter(Influx, "restart", Folder.Spool, o => o.CreateDatabase = false);
        for (var i = 500; i < 600; i++)
        {
            await second.Writer.WriteAsync(Readings.Numbered(i, assetId: "restart-1"), ct);
        }
        await Readings.Until(
            async () => await Influx.CountPointsAsync("restart", "telemetry", cancellationToken: ct) == 600,
            "600 readings in InfluxDB");

        Assert.Equal(500, left.SpooledPoints);
        Assert.Equal(0, left.Written);
        var rows = (await Influx.QueryAsync("restart", "SELECT \"value\" FROM telemetry", ct)).Single();
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (double)i), rows.Column("value").Select(v => v.GetDouble()));
        Assert.True(second.Writer.GetStats().Replayed >= 500);
        Assert.True(second.Logger.Logged(3002));
    }
}
