using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;

namespace RiskMonitor.Storage.Influx;

/// <summary>Turns readings into InfluxDB line protocol and batches into request bodies.</summary>
internal static class LineProtocol
{
    public const string AssetTag = "asset";
    public const string KindTag = "kind";
    public const string RegionTag = "region";

    // Characters InfluxDB.Client's PointData escapes in a measurement, tag or field key (\n, \r, \t, space, comma,
    // equals). A reading whose names contain none of them needs no escaping at all.
    private static readonly SearchValues<char> NeedsEscaping = SearchValues.Create(" ,=\n\r\t");
    private static readonly Comparer<string> PointDataKeyOrder = Comparer<string>.Default;
    private const int MaxPlainFields = 32;
    private const int MaxPlainChars = 1024;

    /// <summary>
    /// One line for one reading, or null when it has nothing storable. Escaping is left to InfluxDB.Client's
    /// <see cref="PointData"/>: a region id with a space or comma in it must not split the line.
    /// </summary>
    /// <remarks>
    /// This runs once per reading on the asset grain's turn. <see cref="PointData"/> rebuilds two immutable sorted
    /// dictionaries for every tag and field it is given: about 1 us and 2 KB of garbage per reading, the largest
    /// allocation on the hot path (docs/benchmarks.md). So a reading whose names need no escaping (ours always: asset
    /// ids are [A-Za-z0-9._-], metric names [A-Za-z0-9_.-]) is written directly in PointData's exact format: tags and
    /// fields in its key order, doubles in their shortest round-trip form, empty tags and non-finite fields left out.
    /// Anything else, and a repeated field name, still goes through PointData. LineProtocolTests hold the two to the
    /// same output over 20,000 readings of every shape.
    /// </remarks>
    public static string? Encode(in ReadingPoint reading, string measurement)
    {
        if (reading.Values.IsDefaultOrEmpty)
        {
            return null;
        }

        return TryEncodePlain(reading, measurement, out var line) ? line : EncodeWithPointData(reading, measurement);
    }

    /// <summary>The reference encoding: InfluxDB.Client's own, for any reading.</summary>
    internal static string? EncodeWithPointData(in ReadingPoint reading, string measurement)
    {
        if (reading.Values.IsDefaultOrEmpty)
        {
            return null;
        }

        // PointData leaves out empty tags, and NaN or infinite fields (line protocol has no literal for them).
        var point = PointData.Measurement(measurement)
            .Tag(AssetTag, reading.AssetId)
            .Tag(KindTag, reading.Kind)
            .Tag(RegionTag, reading.RegionId);
        foreach (var value in reading.Values)
        {
            if (!string.IsNullOrEmpty(value.Metric))
            {
                point = point.Field(value.Metric, value.Value);
            }
        }

        var line = point.Timestamp(reading.Timestamp.ToUnixTimeMilliseconds(), WritePrecision.Ms).ToLineProtocol();
        return line.Length == 0 ? null : line;
    }

    /// <returns>False when the reading needs PointData (escaping, duplicate or too many fields); else the line, or null.</returns>
    private static bool TryEncodePlain(in ReadingPoint reading, string measurement, out string? line)
    {
        line = null;
        var values = reading.Values.AsSpan();
        if (values.Length > MaxPlainFields || string.IsNullOrEmpty(measurement) || !IsPlain(measurement) || !IsPlain(reading.AssetId) || !IsPlain(reading.Kind)
            || !IsPlain(reading.RegionId))
        {
            return false;
        }

        // PointData keeps fields in key order (a sorted dictionary with the default comparer), a repeated key
        // replacing the earlier one; sort the same way, and leave repeats to PointData.
        Span<int> order = stackalloc int[values.Length];
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var metric = values[i].Metric;
            if (string.IsNullOrEmpty(metric))
            {
                continue;
            }

            if (!IsPlain(metric))
            {
                return false;
            }

            var at = count;
            while (at > 0)
            {
                var compared = PointDataKeyOrder.Compare(values[order[at - 1]].Metric, metric);
                if (compared == 0)
                {
                    return false;
                }

                if (compared < 0)
                {
                    break;
                }

                order[at] = order[at - 1];
                at--;
            }

            order[at] = i;
            count++;
        }

        Span<char> buffer = stackalloc char[MaxPlainChars];
        var writer = new PlainWriter(buffer);
        writer.Append(measurement);
        // Tag keys in PointData's order: asset < kind < region.
        writer.Tag(AssetTag, reading.AssetId);
        writer.Tag(KindTag, reading.Kind);
        writer.Tag(RegionTag, reading.RegionId);
        writer.Append(" ");
        var fields = 0;
        foreach (var index in order[..count])
        {
            var (metric, value) = values[index];
            if (!double.IsFinite(value))
            {
                continue;
            }

            if (fields++ > 0)
            {
                writer.Append(",");
            }

            writer.Append(metric);
            writer.Append("=");
            writer.Double(value);
        }

        writer.Append(" ");
        writer.Long(reading.Timestamp.ToUnixTimeMilliseconds());
        if (writer.Overflowed)
        {
            return false;
        }

        line = fields == 0 ? null : new string(writer.Written);
        return true;
    }

    private static bool IsPlain(string? text) => text is null || !text.AsSpan().ContainsAny(NeedsEscaping);

    private ref struct PlainWriter(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;

        public bool Overflowed { get; private set; }

        public readonly ReadOnlySpan<char> Written => _buffer[.._length];

        public void Append(ReadOnlySpan<char> text)
        {
            if (!Overflowed && text.TryCopyTo(_buffer[_length..]))
            {
                _length += text.Length;
            }
            else
            {
                Overflowed = true;
            }
        }

        public void Tag(string key, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return; // PointData leaves out a tag without a value
            }

            Append(",");
            Append(key);
            Append("=");
            Append(value);
        }

        public void Double(double value) => Format(value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture), written);

        public void Long(long value) => Format(value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture), written);

        private void Format(bool fitted, int written)
        {
            if (!Overflowed && fitted)
            {
                _length += written;
            }
            else
            {
                Overflowed = true;
            }
        }
    }

    /// <summary>The lines joined by newlines, UTF-8.</summary>
    public static byte[] ToBody(IReadOnlyList<string> lines)
    {
        var buffer = new ArrayBufferWriter<byte>(lines.Count * 128);
        foreach (var line in lines)
        {
            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
            var written = Encoding.UTF8.GetBytes(line, span);
            span[written] = (byte)'\n';
            buffer.Advance(written + 1);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Gzip(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream(body.Length / 4 + 64);
        // Fastest: the batch is on the hot path of every reading; the ratio on line protocol is still ~8-10x.
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }
        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] gzipped)
    {
        using var input = new MemoryStream(gzipped);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream(gzipped.Length * 8);
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
