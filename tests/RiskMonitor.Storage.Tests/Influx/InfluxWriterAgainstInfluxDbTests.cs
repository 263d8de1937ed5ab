using System.Collections.Immutable;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>The writer against a real InfluxDB 1.x that stays up.</summary>
public sealed class InfluxWriterAgainstInfluxDbTests(InfluxDbFixture fixture) : IClassFixture<InfluxDbFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_writer_creates_its_database_and_every_reading_is_queryable_with_its_tags_and_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var live = new LiveWriter(fixture.Influx, "tags_and_fields", _folder.Spool);
        (string Asset, string Kind, string Region)[] assets =
            [("gp-0001", "gas_pipeline", "grid 7,east"), ("el-0002", "elevator", "district=west"), ("hz-3", "hazard_source", "grid-9")];

        foreach (var (asset, kind, region) in assets)
        {
            for (var i = 0; i < 50; i++)
            {
                await live.Writer.WriteAsync(new ReadingPoint(asset, kind, region, Readings.T0.AddSeconds(i),
                    ImmutableArray.Create(new MetricValue("ch4_lel", i * 0.5), new MetricValue("pressure_kpa", 300 + i))), ct);
            }
        }
        await Readings.Until(
            async () => await TryCount("tags_and_fields") == 150, "150 readings in InfluxDB");

        var series = await fixture.Influx.QueryAsync("tags_and_fields",
            "SELECT * FROM telemetry WHERE region = 'grid 7,east'", ct);
        var rows = series.Single();
        Assert.Equal(50, rows.Values.Count);
        Assert.All(rows.Column("asset"), v => Assert.Equal("gp-0001", v.GetString()));
        Assert.All(rows.Column("kind"), v => Assert.Equal("gas_pipeline", v.GetString()));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => Readings.T0.AddSeconds(i).ToUnixTimeMilliseconds()),
            rows.Column("time").Select(v => v.GetInt64()));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i * 0.5), rows.Column("ch4_lel").Select(v => v.GetDouble()));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 300.0 + i), rows.Column("pressure_kpa").Select(v => v.GetDouble()));
        Assert.Equal(50, await fixture.Influx.CountPointsAsync("tags_and_fields", "telemetry", "region = 'district=west'", ct));
        Assert.True(live.Logger.Logged(3012));
    }

    [Fact]
    public async Task Ping_is_true_while_InfluxDB_answers()
    {
        await using var live = new LiveWriter(fixture.Influx, "ping", _folder.Spool);

        var answered = await live.Writer.PingAsync(TestContext.Current.CancellationToken);

        Assert.True(answered);
    }

    private async Task<long> TryCount(string database)
    {
        try
        {
            return await fixture.Influx.CountPointsAsync(database, "telemetry", cancellationToken: TestContext.Current.CancellationToken);
        }
        catch (InvalidOperationException)
        {
            return -1; // the database is not there yet
        }
    }
}
