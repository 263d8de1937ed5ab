using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>
/// The backtest's MessagePack reader of InfluxDB 1.x <c>/query</c> answers: the bytes InfluxDB 1.6.7 sends (taken with
/// curl), and the same answers written both ways giving the same block as the JSON reader (decision 0063).
/// </summary>
public sealed class InfluxSampleMsgPackTests
{
    [Fact]
    public void The_bytes_InfluxDB_1_6_7_answered_become_the_same_columns_as_its_JSON()
    {
        // `SELECT *::field FROM telemetry WHERE asset='a1'` with Accept: application/x-msgpack and epoch=ms, from 1.6.7:
        // fields b (bool), ch4_lel, n (integer), pressure_kpa, s (string); times as int64, nil where a row lacks a field.
        var answer = Convert.FromHexString(
            "81a7726573756c74739182ac73746174656d656e745f696400a67365726965739183a46e616d65a974656c656d657472" +
            "79a7636f6c756d6e7396a474696d65a162a76368345f6c656ca16eac70726573737572655f6b7061a173a676616c7565" +
            "739396d30000019ab697e800c0cb3ff8000000000000c0cb4073600000000000c096d30000019ab697fb88c0cb400200" +
            "0000000000c0c0c096d30000019ab6980f10c3c003cb4073700000000000a178");
        const string Json = """
            {"results":[{"statement_id":0,"series":[{"name":"telemetry","columns":["time","b","ch4_lel","n","pressure_kpa","s"],
             "values":[[1764000000000,null,1.5,null,310,null],[1764000005000,null,2.25,null,null,null],[1764000010000,true,null,3,311,"x"]]}]}]}
            """;
        var fromMsgPack = new SampleBlock();
        var fromJson = new SampleBlock();

        InfluxSampleMsgPack.Parse(answer, fromMsgPack);
        InfluxSampleJson.Parse(Encoding.UTF8.GetBytes(Json), fromJson);

        Assert.Equal(["b", "ch4_lel", "n", "pressure_kpa", "s"], fromMsgPack.Fields);
        Assert.Equal([1764000000000L, 1764000005000, 1764000010000], Enumerable.Range(0, 3).Select(fromMsgPack.TimeMs));
        Assert.Equal([1.5, 2.25, double.NaN], fromMsgPack.Column(1).ToArray());
        Assert.Equal([double.NaN, double.NaN, 3], fromMsgPack.Column(2).ToArray());
        AssertSame(fromJson, fromMsgPack);
    }

    [Fact]
    public void Random_answers_written_as_MessagePack_and_as_JSON_give_identical_blocks()
    {
        var random = new Random(63);
        var fromMsgPack = new SampleBlock();
        var fromJson = new SampleBlock();
        for (var round = 0; round < 300; round++)
        {
            var answer = RandomAnswer(random);

            InfluxSampleMsgPack.Parse(MsgPack.Write(answer), fromMsgPack);
            InfluxSampleJson.Parse(JsonSerializer.SerializeToUtf8Bytes(answer), fromJson);

            AssertSame(fromJson, fromMsgPack);
        }
    }

    [Fact]
    public void An_empty_list_of_series_and_a_result_without_series_are_empty_blocks()
    {
        var block = new SampleBlock();
        InfluxSampleMsgPack.Parse(MsgPack.Write(Answer(["time", "a"], [[1L, 2.0]])), block);
        Assert.Equal(1, block.Count);

        // 1.6.7 answers a statement that matched nothing with "series": [] (0x90), where its JSON leaves series out.
        InfluxSampleMsgPack.Parse(Convert.FromHexString("81a7726573756c74739182ac73746174656d656e745f696400a673657269657390"), block);
        var afterEmptyList = block.Count;
        InfluxSampleMsgPack.Parse(MsgPack.Write(new Dictionary<string, object?> { ["results"] = new List<object?> { new Dictionary<string, object?> { ["statement_id"] = 0L } } }), block);

        Assert.Equal(0, afterEmptyList);
        Assert.Equal(0, block.Count);
    }

    [Theory]
    // From 1.6.7: a query that does not parse, and a database that does not exist.
    [InlineData("81a56572726f72d9476572726f722070617273696e672071756572793a20666f756e64206669656c2c206578706563746564" +
                "206669656c642c20746167206174206c696e6520312c2063686172203131", "InfluxDB: error parsing query: found fiel, expected field, tag at line 1, char 11")]
    [InlineData("81a7726573756c74739181a56572726f72b86461746162617365206e6f7420666f756e643a206e6f6462", "InfluxDB: database not found: nodb")]
    public void An_error_InfluxDB_answers_is_thrown_with_its_words(string hex, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => InfluxSampleMsgPack.Parse(Convert.FromHexString(hex), new SampleBlock()));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_answer_of_another_shape_or_cut_short_is_refused_not_half_read()
    {
        var valuesFirst = new Dictionary<string, object?> { ["values"] = new List<object?> { new List<object?> { 1L, 2.0 } }, ["columns"] = new List<object?> { "time", "a" } };
        var good = MsgPack.Write(Answer(["time", "a"], [[1L, 2.0], [2L, 3.0]]));

        Assert.Throws<FormatException>(() => InfluxSampleMsgPack.Parse(MsgPack.Write(Wrap(valuesFirst)), new SampleBlock()));
        Assert.Throws<FormatException>(() => InfluxSampleMsgPack.Parse(MsgPack.Write(Answer(["time", "a"], [["late", 2.0]])), new SampleBlock()));
        Assert.Throws<FormatException>(() => InfluxSampleMsgPack.Parse(MsgPack.Write(Answer(["time", "a"], [[1.5, 2.0]])), new SampleBlock()));
        Assert.Throws<FormatException>(() => InfluxSampleMsgPack.Parse(MsgPack.Write(new List<object?> { 1L, 2L }), new SampleBlock()));
        for (var cut = 1; cut < good.Length; cut++)
        {
            Assert.Throws<FormatException>(() => InfluxSampleMsgPack.Parse(good.AsSpan(0, cut), new SampleBlock()));
        }
    }

    private static void AssertSame(SampleBlock expected, SampleBlock actual)
    {
        Assert.Equal(expected.Fields, actual.Fields);
        Assert.Equal(expected.Count, actual.Count);
        for (var row = 0; row < expected.Count; row++)
        {
            Assert.Equal(expected.TimeMs(row), actual.TimeMs(row));
        }

        for (var field = 0; field < expected.Fields.Count; field++)
        {
            // Bit for bit: NaN where a reading lacked a number, and the very same double everywhere else.
            Assert.Equal(
                expected.Column(field).ToArray().Select(BitConverter.DoubleToInt64Bits),
                actual.Column(field).ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
    }

    private static Dictionary<string, object?> Answer(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<object?>> rows) =>
        Wrap(new Dictionary<string, object?>
        {
            ["name"] = "telemetry",
            ["columns"] = columns.Cast<object?>().ToList(),
            ["values"] = rows.Select(r => (object?)r.ToList()).ToList(),
        });

    private static Dictionary<string, object?> Wrap(Dictionary<string, object?> series) => new()
    {
        ["results"] = new List<object?> { new Dictionary<string, object?> { ["statement_id"] = 0L, ["series"] = new List<object?> { series } } },
    };

    /// <summary>An answer as InfluxDB could write it: 0-4 fields of every type, rows with gaps, sometimes a second series or result to skip.</summary>
    private static Dictionary<string, object?> RandomAnswer(Random random)
    {
        var fields = random.Next(0, 5);
        var columns = new List<string> { "time" };
        columns.AddRange(Enumerable.Range(0, fields).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)));
        var rows = new List<IReadOnlyList<object?>>();
        var time = random.NextInt64(0, 4_000_000_000_000);
        for (var r = random.Next(0, 50); r > 0; r--)
        {
            time += random.Next(1, 10_000);
            var row = new List<object?> { time };
            for (var f = 0; f < fields; f++)
            {
                row.Add(random.Next(9) switch
                {
                    0 => null,
                    1 => random.Next(2) == 0,
                    2 => "s" + random.Next(100).ToString(CultureInfo.InvariantCulture),
                    3 => (long)random.Next(-200, 200), // fixints, int8, int16 in MessagePack
                    4 => random.NextInt64(long.MinValue / 2, long.MaxValue / 2),
                    5 => Math.Round((random.NextDouble() - 0.5) * 1000, 2),
                    6 => random.NextDouble() * Math.Pow(10, random.Next(-300, 300)),
                    7 => -random.NextDouble(),
                    _ => (double)random.Next(0, 500),
                });
            }

            rows.Add(row);
        }

        var answer = Answer(columns, rows);
        var result = (Dictionary<string, object?>)((List<object?>)answer["results"]!)[0]!;
        if (random.Next(4) == 0)
        {
            ((List<object?>)result["series"]!).Add(Answer(["time", "x"], [[1L, 9.0]]));
        }

        if (random.Next(4) == 0)
        {
            ((List<object?>)answer["results"]!).Add(new Dictionary<string, object?> { ["statement_id"] = 1L, ["messages"] = new List<object?> { "m" } });
        }

        return answer;
    }

    /// <summary>A MessagePack writer of the types InfluxDB answers with, each integer in its smallest form as the spec asks.</summary>
    private static class MsgPack
    {
        public static byte[] Write(object? value)
        {
            var output = new List<byte>();
            Write(output, value);
            return [.. output];
        }

        private static void Write(List<byte> o, object? value)
        {
            switch (value)
            {
                case null:
                    o.Add(0xc0);
                    break;
                case bool b:
                    o.Add(b ? (byte)0xc3 : (byte)0xc2);
                    break;
                case long l:
                    WriteInteger(o, l);
                    break;
                case double d:
                    o.Add(0xcb);
                    Big(o, 8, span => BinaryPrimitives.WriteDoubleBigEndian(span, d));
                    break;
                case string s:
                    var bytes = Encoding.UTF8.GetBytes(s);
                    if (bytes.Length < 32)
                    {
                        o.Add((byte)(0xa0 | bytes.Length));
                    }
                    else
                    {
                        o.Add(0xd9);
                        o.Add((byte)bytes.Length);
                    }

                    o.AddRange(bytes);
                    break;
                case Dictionary<string, object?> map:
                    Header(o, map.Count, 0x80, 0xde);
                    foreach (var (k, v) in map)
                    {
                        Write(o, k);
                        Write(o, v);
                    }

                    break;
                case List<object?> list:
                    Header(o, list.Count, 0x90, 0xdc);
                    foreach (var item in list)
                    {
                        Write(o, item);
                    }

                    break;
                default:
                    throw new ArgumentException(value.GetType().Name);
            }
        }

        private static void WriteInteger(List<byte> o, long l)
        {
            switch (l)
            {
                case >= 0 and <= 0x7f:
                    o.Add((byte)l);
                    break;
                case >= -32 and < 0:
                    o.Add((byte)(sbyte)l);
                    break;
                case >= sbyte.MinValue and <= sbyte.MaxValue:
                    o.Add(0xd0);
                    o.Add((byte)(sbyte)l);
                    break;
                case >= short.MinValue and <= short.MaxValue:
                    o.Add(0xd1);
                    Big(o, 2, span => BinaryPrimitives.WriteInt16BigEndian(span, (short)l));
                    break;
                case >= 0 and <= uint.MaxValue:
                    o.Add(0xce);
                    Big(o, 4, span => BinaryPrimitives.WriteUInt32BigEndian(span, (uint)l));
                    break;
                case >= int.MinValue and <= int.MaxValue:
                    o.Add(0xd2);
                    Big(o, 4, span => BinaryPrimitives.WriteInt32BigEndian(span, (int)l));
                    break;
                default:
                    o.Add(0xd3);
                    Big(o, 8, span => BinaryPrimitives.WriteInt64BigEndian(span, l));
                    break;
            }
        }

        private static void Header(List<byte> o, int count, byte fix, byte sixteen)
        {
            if (count < 16)
            {
                o.Add((byte)(fix | count));
            }
            else
            {
                o.Add(sixteen);
                Big(o, 2, span => BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)count));
            }
        }

        private static void Big(List<byte> o, int size, SpanAction write)
        {
            Span<byte> span = stackalloc byte[size];
            write(span);
            o.AddRange(span.ToArray());
        }

        private delegate void SpanAction(Span<byte> span);
    }
}
