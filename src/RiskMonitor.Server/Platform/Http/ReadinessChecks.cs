using Microsoft.Extensions.Diagnostics.HealthChecks;
using RiskMonitor.Ingestion.Broker;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Platform.Http;

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

/// <summary>
/// Ready reports the system of record truthfully: Degraded (still 200, since this node keeps evaluating and pushing
/// alerts and must stay in service) while alert changes wait in the journal because PostgreSQL does not take them.
/// </summary>
internal sealed class AlertJournalHealthCheck(IServiceProvider services, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = services.GetService<AlertJournalState>();
        if (state is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no PostgreSQL configured (in-memory stores)"));
        }

        var (degraded, description) = state.Describe(time.GetUtcNow());
        return Task.FromResult(degraded
            ? HealthCheckResult.Degraded(description)
            : HealthCheckResult.Healthy(description));
    }
}
