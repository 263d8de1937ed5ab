using System.Text;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Scenarios;

/// <summary>
/// One of each kind of bad input DESIGN.md §2 says ingestion must count and dead-letter without stalling. Every
/// message is wrong in exactly one way, so each should land under exactly one reject reason on the server.
/// </summary>
internal static class MalformedPayloads
{
    public const int OversizedThresholdBytes = 64 * 1024;
    public const string UnknownAssetId = "zz-unknown-0001";
    public const string InvalidAssetId = "bad id!";

    public static IReadOnlyList<OutboundMessage> Build(string knownAssetId, DateTimeOffset now)
    {
        var ts = now.ToUnixTimeMilliseconds();
        var telemetry = Topics.Telemetry(knownAssetId);
        var valid = $$$"""{"ts":{{{ts}}},"values":{"ch4_lel":0.8}}""";
        return
        [
            Message(telemetry, $$$"""{"ts":{{{ts}}},"values":{"ch4_lel":0.8""", knownAssetId, "invalid JSON (cut off)"),
            Message(telemetry, $$$"""{"ts":{{{ts}}},"values":{"ch4_lel":"high"}}""", knownAssetId, "wrong type (string value)"),
            Message(telemetry, $$$"""{"ts":{{{ts}}},"values":{"ch4_lel":NaN}}""", knownAssetId, "NaN as a bare token"),
            Message(telemetry, $$$"""{"ts":{{{ts}}},"values":{"ch4_lel":Infinity}}""", knownAssetId, "Infinity as a bare token"),
            Message(telemetry, $$$"""{"ts":{{{ts}}},"values":{"ch4_lel":1e999}}""", knownAssetId, "number too large for a double (1e999)"),
            new OutboundMessage(telemetry, Oversized(now), false, true, knownAssetId, "oversized (> 64 KiB batch of valid readings)"),
            Message(Topics.Telemetry(UnknownAssetId), valid, knownAssetId, "unknown asset id"),
            Message(Topics.Telemetry(InvalidAssetId), valid, knownAssetId, "invalid asset id (space and '!')"),
            Message(Topics.Telemetry(new string('x', 65)), valid, knownAssetId, "asset id longer than 64 characters"),
            Message($"{Topics.Prefix}{knownAssetId}/whatever", valid, knownAssetId, "unknown channel"),
            Message(telemetry, $$$"""{"ts":{{{now.AddMinutes(10).ToUnixTimeMilliseconds()}}},"values":{"ch4_lel":0.8}}""", knownAssetId, "timestamp 10 minutes in the future"),
            Message(telemetry, "[]", knownAssetId, "empty batch"),
        ];
    }

    /// <summary>A well-formed batch that is only wrong in size, so the size limit is what rejects it.</summary>
    private static byte[] Oversized(DateTimeOffset now)
    {
        var samples = new List<TelemetrySample>();
        byte[] payload;
        do
        {
            for (var k = 0; k < 200; k++)
            {
                // Ten readings a second, oldest first, ending well before now: nothing but the size is wrong.
                var at = now.AddMinutes(-3).AddMilliseconds(samples.Count * 100);
                samples.Add(new TelemetrySample(at, new ChannelValues().Set(Channels.Ch4Lel, 0.8).Set(Channels.PressureKpa, 310.5)));
            }

            payload = PayloadBuilder.TelemetryBatch(samples);
        }
        while (payload.Length <= OversizedThresholdBytes + 1024);

        return payload;
    }

    // QoS 1 so a dropped datagram cannot pass for the server having swallowed it.
    private static OutboundMessage Message(string topic, string payload, string route, string description) =>
        new(topic, Encoding.UTF8.GetBytes(payload), false, true, route, description);
}
