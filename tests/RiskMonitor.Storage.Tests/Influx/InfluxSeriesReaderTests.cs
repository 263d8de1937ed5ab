using System.Globalization;
using System.Text;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>The backtest's reader against a real InfluxDB 1.x: what the parser is given is what InfluxDB really answers.</summary>
public sealed class InfluxSeriesReaderTests(InfluxDbFixture fixture) : IClassFixture<InfluxDbFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_assets_readings_come_back_in_time_order_chunk_by_chunk_with_only_its_own_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Database = "sample_blocks";
        // Every third reading lacks pressure; another asset's readings are interleaved and must not come back.
        await StoreAsync(Database, 25, (i, ms) => string.Create(CultureInfo.InvariantCulture,
            $"telemetry,asset=gp-1,kind=gas_pipeline,region=g ch4_lel={i}.5{(i % 3 == 0 ? "" : $",pressure_kpa={300 + i}")} {ms}\n" +
            $"telemetry,asset=gp-2,kind=gas_pipeline,region=g ch4_lel=99 {ms}\n"), ct);
        using var http = new HttpClient { BaseAddress = fixture.Influx.Url };

        var reader = new InfluxSeriesReader(new InfluxOptions { Url = fixture.Influx.Url, Database = Database }, http);
        var block = new SampleBlock();
        var end = T0.AddHours(1);

        await reader.ReadBlockAsync("gp-1", null, T0, end, 10, block, ct);
        var first = (block.Count, block.TimeMs(0), block.TimeMs(9), block.Column(block.FieldIndex("ch4_lel"))[9]);
        var pressure = block.Column(block.FieldIndex("pressure_kpa")).ToArray();
        var timed = (block.QueryTime > TimeSpan.Zero, block.ParseTime > TimeSpan.Zero);
        await reader.ReadBlockAsync("gp-1", null, block.At(9).AddMilliseconds(1), end, 10, block, ct);
        var second = (block.Count, block.TimeMs(0));
        await reader.ReadBlockAsync("gp-1", null, T0.AddSeconds(20 * 5), end, 10, block, ct);
        var last = (block.Count, block.TimeMs(4));
        await reader.ReadBlockAsync("gp-1", null, end, end.AddHours(1), 10, block, ct);

        Assert.Equal((10, T0.ToUnixTimeMilliseconds(), T0.AddSeconds(45).ToUnixTimeMilliseconds(), 9.5), first);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 3 == 0 ? double.NaN : 300.0 + i), pressure);
        Assert.Equal((true, true), timed);
        Assert.Equal((10, T0.AddSeconds(50).ToUnixTimeMilliseconds()), second);
        Assert.Equal((5, T0.AddSeconds(24 * 5).ToUnixTimeMilliseconds()), last);
        Assert.Equal(0, block.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadBlockAsync("gp-1' OR 1=1", null, T0, end, 10, block, ct));
    }

    [Fact]
    public async Task Named_fields_come_back_alone_where_every_field_would_bring_other_kinds_fields_as_gaps()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Database = "sample_fields";
        // Every fourth reading of the pipeline has only a field its rules do not read; an elevator shares the measurement.
        await StoreAsync(Database, 20, (i, ms) => string.Create(CultureInfo.InvariantCulture,
            $"telemetry,asset=gp-1,kind=gas_pipeline {(i % 4 == 0 ? $"rssi=-{60 + i}" : $"ch4_lel={i}.5,pressure_kpa={300 + i}")} {ms}\n" +
            $"telemetry,asset=el-1,kind=elevator speed_mps=1.5,door_open=0 {ms}\n"), ct);
        using var http = new HttpClient { BaseAddress = fixture.Influx.Url };

        var reader = new InfluxSeriesReader(new InfluxOptions { Url = fixture.Influx.Url, Database = Database }, http);
        var named = new SampleBlock();
        var every = new SampleBlock();
        var end = T0.AddHours(1);

        await reader.ReadBlockAsync("gp-1", ["pressure_kpa", "ch4_lel"], T0, end, 100, named, ct);
        await reader.ReadBlockAsync("gp-1", null, T0, end, 100, every, ct);

        Assert.Equal(["ch4_lel", "pressure_kpa"], named.Fields);
        Assert.Equal(15, named.Count); // the five readings of rssi alone are not asked for
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i % 4 != 0).Select(i => i + 0.5), named.Column(named.FieldIndex("ch4_lel")).ToArray());
        Assert.Equal(["ch4_lel", "door_open", "pressure_kpa", "rssi", "speed_mps"], every.Fields.Order(StringComparer.Ordinal));
        Assert.Equal(20, every.Count);
        Assert.All(every.Column(every.FieldIndex("speed_mps")).ToArray(), v => Assert.True(double.IsNaN(v)));
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadBlockAsync("gp-1", ["ch4_lel\" OR 1=1"], T0, end, 100, named, ct));
    }

    [Fact]
    public async Task MessagePack_and_JSON_answers_of_a_real_InfluxDB_give_identical_blocks()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Database = "sample_formats";
        var random = new Random(63);
        await StoreAsync(Database, 3000, (i, ms) =>
        {
            // Doubles of every size, an integer field, a string and a boolean (left NaN), and gaps in every field.
            var fields = new List<string>();
            if (i % 7 != 0)
            {
                fields.Add(string.Create(CultureInfo.InvariantCulture, $"ch4_lel={random.NextDouble() * Math.Pow(10, random.Next(-5, 6)):R}"));
            }

            if (i % 5 != 0)
            {
                fields.Add(string.Create(CultureInfo.InvariantCulture, $"pressure_kpa={Math.Round(300 + (random.NextDouble() * 20), 2)}"));
            }

            fields.Add(i % 3 == 0
                ? string.Create(CultureInfo.InvariantCulture, $"count={random.Next(-100_000, 100_000)}i")
                : string.Create(CultureInfo.InvariantCulture, $"note=\"n{i}\",ok={i % 2 == 0}"));
            return string.Create(CultureInfo.InvariantCulture, $"telemetry,asset=gp-1,kind=gas_pipeline {string.Join(',', fields)} {ms}\n");
        }, ct);
        var spy = new ContentTypeSpy(new HttpClientHandler());
        using var http = new HttpClient(spy) { BaseAddress = fixture.Influx.Url };

        var msgPack = new SampleBlock();
        var json = new SampleBlock();
        var end = T0.AddHours(6);

        await new InfluxSeriesReader(new InfluxOptions { Url = fixture.Influx.Url, Database = Database }, http).ReadBlockAsync("gp-1", null, T0, end, 20_000, msgPack, ct);
        var msgPackType = spy.LastMediaType;
        await new InfluxSeriesReader(new InfluxOptions { Url = fixture.Influx.Url, Database = Database, QueryMessagePack = false }, http).ReadBlockAsync("gp-1", null, T0, end, 20_000, json, ct);
        var jsonType = spy.LastMediaType;

        Assert.Equal(("application/x-msgpack", "application/json"), (msgPackType, jsonType));
        Assert.Equal(3000, msgPack.Count);
        Assert.Equal(json.Fields, msgPack.Fields);
        Assert.Equal(Enumerable.Range(0, json.Count).Select(json.TimeMs), Enumerable.Range(0, msgPack.Count).Select(msgPack.TimeMs));
        for (var field = 0; field < json.Fields.Count; field++)
        {
            Assert.Equal(json.Column(field).ToArray().Select(BitConverter.DoubleToInt64Bits), msgPack.Column(field).ToArray().Select(BitConverter.DoubleToInt64Bits));
        }

        Assert.Equal(3000, msgPack.Column(msgPack.FieldIndex("note")).ToArray().Count(double.IsNaN)); // a string is no number
        Assert.Equal(1000, msgPack.Column(msgPack.FieldIndex("count")).ToArray().Count(v => !double.IsNaN(v)));
    }

    /// <summary>
    /// A database of its own holding, for each of <paramref name="readings"/> readings 5 s apart from <see cref="T0"/>,
    /// the line protocol <paramref name="linesAt"/> gives for the reading's index and time in milliseconds.
    /// </summary>
    private async Task StoreAsync(string database, int readings, Func<int, long, string> linesAt, CancellationToken ct)
    {
        await fixture.Influx.CreateDatabaseAsync(database, ct);
        var lines = new StringBuilder();
        for (var i = 0; i < readings; i++)
        {
            lines.Append(linesAt(i, T0.AddSeconds(i * 5).ToUnixTimeMilliseconds()));
        }

        await fixture.Influx.WriteLinesAsync(database, lines.ToString(), ct);
    }

    /// <summary>Notes the media type of each answer, to show which format InfluxDB actually sent.</summary>
    private sealed class ContentTypeSpy(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public string? LastMediaType { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            LastMediaType = response.Content.Headers.ContentType?.MediaType;
            return response;
        }
    }
}
