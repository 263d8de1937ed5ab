using System.Buffers;
using System.Text;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests;

/// <summary>Builds payloads the way the broker hands them over: in one segment, or in several.</summary>
internal static class Payloads
{
    public static ReadOnlySequence<byte> Of(string text) => new(Encoding.UTF8.GetBytes(text));

    public static ReadOnlySequence<byte> Of(byte[] bytes) => new(bytes);

    /// <summary>Cuts the bytes into segments at the given offsets; each segment is its own array.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, params int[] cuts)
    {
        var bounds = cuts.Append(0).Append(bytes.Length).Distinct().Order().ToArray();
        if (bounds.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes); // nothing to cut
        }

        var first = new Segment(bytes[bounds[0]..bounds[1]], 0);
        var last = first;
        for (var i = 1; i < bounds.Length - 1; i++)
        {
            last = last.Append(bytes[bounds[i]..bounds[i + 1]]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts the text into segments wherever it has a '|', which is removed.</summary>
    public static ReadOnlySequence<byte> SplitAtMarkers(string textWithMarkers)
    {
        var parts = textWithMarkers.Split('|').Select(Encoding.UTF8.GetBytes).ToArray();
        var cuts = new List<int>();
        var offset = 0;
        foreach (var part in parts[..^1])
        {
            offset += part.Length;
            cuts.Add(offset);
        }

        return Segmented([.. parts.SelectMany(p => p)], [.. cuts]);
    }

    /// <summary>A comparable picture of a parse result: samples with their values, then problems by reason.</summary>
    public static IReadOnlyList<string> Describe(TelemetryParseResult result)
    {
        var lines = result.Samples.Select(s =>
            $"{s.Timestamp:O} " + string.Join(",", s.Values.Select(v => $"{v.Metric}={v.Value:R}"))).ToList();
        lines.AddRange((result.Problems ?? []).Select(p => $"problem {p.Reason}"));
        return lines;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
