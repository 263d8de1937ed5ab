using System.Buffers;
using System.Text.Json;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Drills;

/// <summary>
/// The drill channel of the v1 contract (docs/mqtt.md, decision 0042), written out here again like <see cref="Topics"/>:
/// <c>rm/v1/{assetId}/drill</c> carrying <c>{"drill": id, "telemetry"|"event": {…}}</c>, the inner object exactly what the
/// ordinary channel takes. Pure: no clock, no I/O.
/// </summary>
internal static class DrillChannel
{
    public static string Topic(string assetId) => Topics.Prefix + assetId + "/drill";

    /// <summary>
    /// Whether a scenario can be played as a drill, and why not. A drill is evaluated on the asset's drill key, which only
    /// takes readings and device events: it has no status, no silence watch, no positions and no dead-letter rehearsal.
    /// </summary>
    public static string? Refusal(string scenario) => scenario switch
    {
        ScenarioCatalog.Silent => "a drill cannot be silent: a drill key has no silence watch (rehearse silence on a test server instead)",
        ScenarioCatalog.Malformed => "bad payloads are not a drill: they are refused before any rule sees them",
        ScenarioCatalog.VehicleOffRoute or ScenarioCatalog.VehicleIntoZone => "the drill channel carries readings and device events, not vehicle positions",
        _ => null,
    };

    /// <summary>A drill copy of one reading: what the scenario makes the sensor read, marked for the drill.</summary>
    public static OutboundMessage Reading(string drillId, string assetId, TelemetrySample sample, bool reliable) =>
        new(Topic(assetId), Envelope(drillId, "telemetry", PayloadBuilder.Telemetry(sample)), false, reliable, assetId, "drill reading", 1);

    /// <summary>A scenario's one-off device message (an entrapment event) moved onto the drill channel.</summary>
    public static OutboundMessage Wrap(string drillId, OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.Topic.EndsWith("/event", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Only device events go on the drill channel, not '{message.Topic}'.", nameof(message));
        }

        return message with
        {
            Topic = Topic(message.RouteAssetId),
            Payload = Envelope(drillId, "event", message.Payload),
            Retain = false,
            Description = $"drill {message.Description}",
        };
    }

    private static byte[] Envelope(string drillId, string member, byte[] inner)
    {
        var buffer = new ArrayBufferWriter<byte>(inner.Length + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("drill", drillId);
            json.WritePropertyName(member);
            json.WriteRawValue(inner, skipInputValidation: true); // built by PayloadBuilder: valid JSON already
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
