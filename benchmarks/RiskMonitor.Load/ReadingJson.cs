using System.Buffers.Text;

namespace RiskMonitor.Load;

/// <summary>The harness's one reading as v1 telemetry JSON, written straight into a buffer (no allocation per message).</summary>
internal static class ReadingJson
{
    /// <summary>Writes <c>{"ts":..,"values":{"ch4_lel":..,"pressure_kpa":310}}</c>; returns the bytes written.</summary>
    public static int WriteSample(Span<byte> buffer, long ts, double lel) => WriteSample(buffer, ts, lel, 310); // 310 formats as "310"

    /// <summary>Writes <c>{"ts":..,"values":{"ch4_lel":..,"pressure_kpa":..}}</c>; returns the bytes written.</summary>
    public static int WriteSample(Span<byte> buffer, long ts, double lel, double pressureKpa)
    {
        var at = Write(buffer, "{\"ts\":"u8);
        Utf8Formatter.TryFormat(ts, buffer[at..], out var n);
        at += n;
        at += Write(buffer[at..], ",\"values\":{\"ch4_lel\":"u8);
        Utf8Formatter.TryFormat(lel, buffer[at..], out n);
        at += n;
        at += Write(buffer[at..], ",\"pressure_kpa\":"u8);
        Utf8Formatter.TryFormat(pressureKpa, buffer[at..], out n);
        at += n;
        at += Write(buffer[at..], "}}"u8);
        return at;
    }

    private static int Write(Span<byte> destination, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
