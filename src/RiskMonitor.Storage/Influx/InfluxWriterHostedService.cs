using Microsoft.Extensions.Hosting;

namespace RiskMonitor.Storage.Influx;

/// <summary>
/// Runs the writer's loops for the life of the host. Registered before the services that produce readings, so the
/// host (which stops hosted services in reverse order) stops producers first and this one last: the final flush
/// then sees every reading.
/// </summary>
internal sealed class InfluxWriterHostedService(InfluxReadingWriter writer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        writer.Start();
        return Task.CompletedTask;
    }

    // The host's shutdown token bounds the flush: when it fires, what is left goes to the spool instead of InfluxDB.
    public Task StopAsync(CancellationToken cancellationToken) => writer.StopAsync(cancellationToken);
}
