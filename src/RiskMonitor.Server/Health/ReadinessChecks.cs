using Microsoft.Extensions.Diagnostics.HealthChecks;
using RiskMonitor.Ingestion.Broker;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Health;

/// <summary>Ready means devices can publish: the broker listens.</summary>
internal sealed class MqttBrokerHealthCheck(EmbeddedMqttBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broker.IsListening
            ? HealthCheckResult.Healthy("MQTT broker listening")
            : HealthCheckResult.Unhealthy("MQTT broker not listening"));
}

/// <summary>
/// Ready also means readings are being stored. While InfluxDB is down readings are spooled, not lost, but the node
/// reports not-ready so that an operator (or Kubernetes) sees it.
/// </summary>
internal sealed class InfluxHealthCheck(IReadingWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await writer.PingAsync(cancellationToken)
            ? HealthCheckResult.Healthy("InfluxDB answers")
            : HealthCheckResult.Unhealthy("InfluxDB does not answer; readings are being spooled to disk");
}
