using System.Globalization;
using System.Text;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>The backtest's reader against a real InfluxDB 1.x: what the parser is given is what InfluxDB really answers.</summary>
public sealed class InfluxSeriesReaderTests(InfluxDbFixture fixture) : IClassFixture<InfluxDbFixture>
{
    [Fact]
    public async Task An_assets_readings_come_back_in_time_order_chunk_by_chunk_with_only_its_own_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Database = "sample_blocks";
        await fixture.Influx.CreateDatabaseAsync(Database, ct);
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var lines = new StringBuilder();
        for (var i = 0; i < 25; i++)
        {
            var ms = t0.AddSeconds(i * 5).ToUnixTimeMilliseconds();
            // Every third reading lacks pressure; another asset's readings are interleaved and must not come back.
            lines.Append(CultureInfo.InvariantCulture, $"telemetry,asset=gp-1,kind=gas_pipeline,region=g ch4_lel={i}.5{(i % 3 == 0 ? "" : $",pressure_kpa={300 + i}")} {ms}\n");
            lines.Append(CultureInfo.InvariantCulture, $"telemetry,asset=gp-2,kind=gas_pipeline,region=g ch4_lel=99 {ms}\n");
        }

        using var http = new HttpClient { BaseAddress = fixture.Influx.Url };
        using (var written = await http.PostAsync($"write?db={Database}&precision=ms", new StringContent(lines.ToString()), ct))
        {
            written.EnsureSuccessStatusCode();
        }

        var reader = new InfluxSeriesReader(new InfluxOptions { Url = fixture.Influx.Url, Database = Database }, http);
        var block = new SampleBlock();
        var end = t0.AddHours(1);

        await reader.ReadBlockAsync("gp-1", t0, end, 10, block, ct);
        var first = (block.Count, block.TimeMs(0), block.TimeMs(9), block.Column(block.FieldIndex("ch4_lel"))[9]);
        var pressure = block.Column(block.FieldIndex("pressure_kpa")).ToArray();
        var timed = (block.QueryTime > TimeSpan.Zero, block.ParseTime > TimeSpan.Zero);
        await reader.ReadBlockAsync("gp-1", block.At(9).AddMilliseconds(1), end, 10, block, ct);
        var second = (block.Count, block.TimeMs(0));
        await reader.ReadBlockAsync("gp-1", t0.AddSeconds(20 * 5), end, 10, block, ct);
        var last = (block.Count, block.TimeMs(4));
        await reader.ReadBlockAsync("gp-1", end, end.AddHours(1), 10, block, ct);

        Assert.Equal((10, t0.ToUnixTimeMilliseconds(), t0.AddSeconds(45).ToUnixTimeMilliseconds(), 9.5), first);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? double.NaN : 300.0 + i), pressure);
        Assert.Equal((true, true), timed);
        Assert.Equal((10, t0.AddSeconds(50).ToUnixTimeMilliseconds()), second);
        Assert.Equal((5, t0.AddSeconds(24 * 5).ToUnixTimeMilliseconds()), last);
        Assert.Equal(0, block.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadBlockAsync("gp-1' OR 1=1", t0, end, 10, block, ct));
    }
}
