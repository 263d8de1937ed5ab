using System.Text;
using System.Text.Json;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>The backtest's parser of InfluxDB 1.x <c>/query</c> answers, on answers as InfluxDB writes them.</summary>
public sealed class InfluxSampleJsonTests
{
    [Fact]
    public void Rows_become_columns_with_NaN_where_a_reading_lacked_a_field_or_carried_no_number()
    {
        const string Answer = """
            {"results":[{"statement_id":0,"series":[{"name":"telemetry","columns":["time","ch4_lel","pressure_kpa","note"],
             "values":[[1000,1.5,300,"x"],[6000,null,301.25,null],[11000,60,-2e3,true]]}]}]}
            """;
        var block = new SampleBlock();

        InfluxSampleJson.Parse(Encoding.UTF8.GetBytes(Answer), block);

        Assert.Equal(["ch4_lel", "pressure_kpa", "note"], block.Fields);
        Assert.Equal(3, block.Count);
        Assert.Equal([1000L, 6000, 11000], Enumerable.Range(0, 3).Select(block.TimeMs));
        Assert.Equal([1.5, double.NaN, 60], block.Column(0).ToArray());
        Assert.Equal([300, 301.25, -2000], block.Column(1).ToArray());
        Assert.All(block.Column(2).ToArray(), v => Assert.True(double.IsNaN(v)));
        var row = new MetricValue[3];
        Assert.Equal([new MetricValue("pressure_kpa", 301.25)], row.AsSpan(0, block.CopyRow(1, row)).ToArray());
        Assert.Equal([new MetricValue("ch4_lel", 60), new MetricValue("pressure_kpa", -2000)], row.AsSpan(0, block.CopyRow(2, row)).ToArray());
    }

    [Fact]
    public void A_reused_block_drops_its_old_rows_and_follows_new_fields()
    {
        var block = new SampleBlock();
        var many = "[" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"[{i},{i}.5]")) + "]";
        InfluxSampleJson.Parse(Encoding.UTF8.GetBytes($$"""{"results":[{"series":[{"columns":["time","a"],"values":{{many}}}]}]}"""), block);
        Assert.Equal((3000, 2999.5), (block.Count, block.Column(0)[^1]));

        InfluxSampleJson.Parse(Encoding.UTF8.GetBytes("""{"results":[{"series":[{"columns":["time","b","a"],"values":[[7,1,2]]}]}]}"""), block);

        Assert.Equal(["b", "a"], block.Fields);
        Assert.Equal((1, 7L), (block.Count, block.TimeMs(0)));
        Assert.Equal((1.0, 2.0), (block.Column(0)[0], block.Column(1)[0]));
        Assert.Equal(1, block.FieldIndex("a"));
        Assert.Equal(-1, block.FieldIndex("ch4_lel"));
    }

    [Fact]
    public void A_result_without_series_is_an_empty_block()
    {
        var block = new SampleBlock();
        InfluxSampleJson.Parse(Encoding.UTF8.GetBytes("""{"results":[{"series":[{"columns":["time","a"],"values":[[1,2]]}]}]}"""), block);

        InfluxSampleJson.Parse(Encoding.UTF8.GetBytes("""{"results":[{"statement_id":0}]}"""), block);

        Assert.Equal(0, block.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => block.TimeMs(0));
    }

    [Theory]
    [InlineData("""{"results":[{"statement_id":0,"error":"database not found: x"}]}""", "InfluxDB: database not found: x")]
    [InlineData("""{"error":"error parsing query: found EOF"}""", "InfluxDB: error parsing query: found EOF")]
    public void An_error_InfluxDB_answers_is_thrown_with_its_words(string answer, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => InfluxSampleJson.Parse(Encoding.UTF8.GetBytes(answer), new SampleBlock()));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("""{"results":[{"series":[{"values":[[1,2]],"columns":["time","a"]}]}]}""")]
    [InlineData("""{"results":[{"series":[{"columns":["time","a"],"values":[{"t":1}]}]}]}""")]
    [InlineData("""{"results":[{"series":[{"columns":["time","a"],"values":[["late",2]]}]}]}""")]
    [InlineData("""[1,2]""")]
    public void An_answer_of_another_shape_is_refused_not_half_read(string answer)
    {
        Assert.ThrowsAny<JsonException>(() => InfluxSampleJson.Parse(Encoding.UTF8.GetBytes(answer), new SampleBlock()));
    }
}
