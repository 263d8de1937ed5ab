using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>InfluxDB killed and restarted under a steady stream of readings.</summary>
public sealed class InfluxOutageTests : OwnInfluxTest
{
    private const int Total = 3000;
    [Fact]
    public async Task Readings_written_through_an_outage_all_reach_InfluxDB_once_and_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartInfluxAsync("outage", ct);
        await using var live = new LiveWriter(Influx, "outage", Folder.Spool);
        var produced = 0;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Total; i++)
            {
                await live.Writer.WriteAsync(Readings.Numbered(i, assetId: "outage-1"), ct);
                Volatile.Write(ref produced, i + 1);
                if (i % 20 == 19)
                {
                    await Task.Delay(10, ct); // a steady stream, so the kill lands mid-flight
                }
            }
        }, ct);

        await Readings.Until(() => Volatile.Read(ref produced) >= Total / 3, "the first third written");
        var pingBefore = await live.Writer.PingAsync(ct);
        await Influx.StopAsync(ct);
        var pingDuring = await live.Writer.PingAsync(ct);
        await Readings.Until(() => Volatile.Read(ref produced) >= 2 * Total / 3, "the second third written");
        await Influx.StartAsync(ct);
        await producer;
        await Readings.Until(
            async () => !live.Writer.GetStats().Spooling
                && await Influx.CountPointsAsync("outage", "telemetry", cancellationToken: ct) == Total,
            $"all {Total} readings in InfluxDB");

        var rows = (await Influx.QueryAsync("outage", "SELECT \"value\" FROM telemetry WHERE asset = 'outage-1'", ct)).Single();
        Assert.Equal(Enumerable.Range(0, Total).Select(i => (double)i), rows.Column("value").Select(v => v.GetDouble()));
        Assert.Equal(Enumerable.Range(0, Total).Select(i => Readings.T0.AddMilliseconds(i * 10.0).ToUnixTimeMilliseconds()),
            rows.Column("time").Select(v => v.GetInt64()));
        var stats = live.Writer.GetStats();
        Assert.True(stats.Replayed > 0, "the outage should have sent batches through the spool");
        Assert.Equal(0, stats.Dropped);
        Assert.Equal(0, stats.Rejected);
        Assert.True(pingBefore);
        Assert.False(pingDuring);
    }
}
