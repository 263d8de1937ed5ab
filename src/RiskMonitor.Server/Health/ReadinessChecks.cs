using Microsoft.Extensions.Diagnostics.HealthChecks;
using RiskMonitor.Ingestion.Broker;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Health;

/// <summary>Ready means devices' messages reach this node: the embedded broker listens, or the external one is connected.</summary>
internal sealed class MqttBrokerHealthCheck(IMqttIngress ingress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ingress.IsReady ? HealthCheckResult.Healthy(ingress.Describe()) : HealthCheckResult.Unhealthy(ingress.Describe()));
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
