using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace RiskMonitor.Ingestion.Broker;

/// <summary>
/// The embedded MQTTnet broker (DESIGN.md §1, default mode). Every publish passes through the ingestion pipeline
/// and is then delivered to subscribers as usual, so tools can still watch the raw stream.
/// </summary>
public sealed class EmbeddedMqttBroker(
    IngestionPipeline pipeline,
    IOptions<MqttIngestionOptions> options,
    ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable, IMqttIngress
{
    private MqttServer? _server;

    public bool IsListening => _server?.IsStarted == true;

    bool IMqttIngress.IsReady => IsListening;

    public string Describe() => IsListening ? "MQTT broker listening" : "MQTT broker not listening";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var address = IPAddress.Parse(settings.BindAddress);
        // MQTTnet listens on IPv6 [::] too unless told otherwise, so the IPv6 side follows the operator's choice:
        // loopback stays loopback, "any" opens both, a specific IPv4 address keeps IPv6 on loopback.
        var ipv6 = address.Equals(IPAddress.Any) ? IPAddress.IPv6Any : IPAddress.IPv6Loopback;
        var builder = new MqttServerFactory().CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(settings.Port)
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointBoundIPV6Address(ipv6);

        var server = new MqttServerFactory().CreateMqttServer(builder.Build());
        server.InterceptingPublishAsync += e =>
            pipeline.AcceptAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, e.ClientId, e.CancellationToken).AsTask();
        await server.StartAsync().ConfigureAwait(false);
        _server = server;
        IngestionLog.BrokerStarted(logger, settings.BindAddress, settings.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
            IngestionLog.BrokerStopped(logger);
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }
}
