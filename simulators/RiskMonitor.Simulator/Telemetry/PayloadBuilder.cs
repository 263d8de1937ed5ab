using System.Buffers;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.Simulator.Telemetry;

/// <summary>Builds v1 payloads (DESIGN.md §2) as UTF-8 bytes. Timestamps are unix milliseconds, the compact form.</summary>
internal static class PayloadBuilder
{
    public static byte[] Online { get; } = Encoding.UTF8.GetBytes("online");

    public static byte[] Offline { get; } = Encoding.UTF8.GetBytes("offline");

    /// <summary><c>{"ts":..., "values":{...}}</c></summary>
    public static byte[] Telemetry(TelemetrySample sample) => Write(w => WriteSample(w, sample));

    /// <summary>A batch: a JSON array of samples, oldest first.</summary>
    public static byte[] TelemetryBatch(IReadOnlyList<TelemetrySample> samples) => Write(w =>
    {
        w.WriteStartArray();
        foreach (var sample in samples)
        {
            WriteSample(w, sample);
        }

        w.WriteEndArray();
    });

    /// <summary><c>{"ts":..., "code":"entrapment", "active":true, "detail":{...}}</c></summary>
    public static byte[] Event(DateTimeOffset timestamp, string code, bool active, IReadOnlyList<KeyValuePair<string, double>> detail) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("ts", timestamp.ToUnixTimeMilliseconds());
            w.WriteString("code", code);
            w.WriteBoolean("active", active);
            w.WriteStartObject("detail");
            foreach (var (key, value) in detail)
            {
                w.WriteNumber(key, value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static void WriteSample(Utf8JsonWriter w, TelemetrySample sample)
    {
        w.WriteStartObject();
        w.WriteNumber("ts", sample.Timestamp.ToUnixTimeMilliseconds());
        w.WriteStartObject("values");
        foreach (var (channel, value) in sample.Values.Items)
        {
            w.WriteNumber(channel, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
