namespace RiskMonitor.Simulator.Scenarios;

/// <summary>An MQTT message to publish, kept free of MQTTnet types so the parts that build it stay pure.</summary>
/// <param name="Reliable">QoS 1 instead of QoS 0.</param>
/// <param name="RouteAssetId">Whose gateway connection sends it; an unknown id goes out on the first gateway.</param>
/// <param name="Readings">How many telemetry readings it carries, for the rate counters.</param>
internal sealed record OutboundMessage(
    string Topic, byte[] Payload, bool Retain, bool Reliable, string RouteAssetId, string Description, int Readings = 0);
