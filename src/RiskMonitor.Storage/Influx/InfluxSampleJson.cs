using System.Text.Json;

namespace RiskMonitor.Storage.Influx;

/// <summary>
/// Reads the answer of InfluxDB's v1 <c>/query</c> (JSON, <c>epoch=ms</c>) to one raw-points statement straight into a
/// <see cref="SampleBlock"/>: a forward-only <see cref="Utf8JsonReader"/> over the bytes, no document tree and no object
/// per point. The shape read: <c>{"results":[{"series":[{"columns":["time",f1,..],"values":[[ms,v1,..],..]}]}]}</c>;
/// an <c>error</c> at either level is thrown, a result without series is an empty block, and a value that is not a
/// number (a string or boolean field, null) is left NaN, as a metric the reading did not carry.
/// </summary>
internal static class InfluxSampleJson
{
    public static void Parse(ReadOnlySpan<byte> json, SampleBlock block)
    {
        // Not Reset: the same fields chunk after chunk keep their columns (an answer of 17,280 rows is two 160 KB arrays).
        block.Clear();
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("results"u8))
            {
                FirstOfArray(ref reader, block, ParseResult);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                throw new InvalidOperationException("InfluxDB: " + reader.GetString());
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private delegate void ElementParser(ref Utf8JsonReader reader, SampleBlock block);

    private static void ParseResult(ref Utf8JsonReader reader, SampleBlock block)
    {
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                throw new InvalidOperationException("InfluxDB: " + reader.GetString());
            }

            if (reader.ValueTextEquals("series"u8))
            {
                // No GROUP BY: one series. Any further one is skipped, as the document reader did before.
                FirstOfArray(ref reader, block, ParseSeries);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void ParseSeries(ref Utf8JsonReader reader, SampleBlock block)
    {
        var columnsSeen = false;
        var fields = 0;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("columns"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                var names = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    names.Add(reader.GetString() ?? "");
                }

                // Column 0 is the time.
                block.Reset(names.Count > 1 ? names[1..] : []);
                fields = Math.Max(0, names.Count - 1);
                columnsSeen = true;
            }
            else if (reader.ValueTextEquals("values"u8))
            {
                if (!columnsSeen)
                {
                    throw new JsonException("InfluxDB answered values before columns.");
                }

                ParseRows(ref reader, block, fields);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void ParseRows(ref Utf8JsonReader reader, SampleBlock block, int fields)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"InfluxDB answered a row that is not an array ({reader.TokenType}).");
            }

            Expect(ref reader, JsonTokenType.Number);
            block.AddRow(reader.GetInt64());
            var column = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.Number && column < fields)
                {
                    block.Set(column, reader.GetDouble());
                }
                else
                {
                    reader.Skip();
                }

                column++;
            }
        }
    }

    /// <summary>At a property whose value is an array: parses its first element (an object), skips the rest.</summary>
    private static void FirstOfArray(ref Utf8JsonReader reader, SampleBlock block, ElementParser parse)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first && reader.TokenType == JsonTokenType.StartObject)
            {
                parse(ref reader, block);
            }
            else
            {
                reader.Skip();
            }

            first = false;
        }
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.PropertyName => true,
            JsonTokenType.EndObject => false,
            _ => throw new JsonException($"InfluxDB answered {reader.TokenType} where a property was expected."),
        };
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"InfluxDB answered {reader.TokenType} where {type} was expected.");
        }
    }
}
