using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;
using RiskMonitor.Ingestion.Security;

namespace RiskMonitor.Ingestion.Broker;

/// <summary>
/// The embedded MQTTnet broker (DESIGN.md §1, default mode). Every connection, publish and subscription passes the
/// access control first (credentials, topic ACL, rate and size limits; issue 11); a publish it admits goes through the
/// ingestion pipeline and is then delivered to subscribers as usual, so tools can still watch the raw stream. The
/// listeners are our own (<see cref="GuardedTcpServerAdapter"/>): packet size limits and a connect timeout hold before
/// a client has signed in (issue 24).
/// </summary>
public sealed class EmbeddedMqttBroker(
    IngestionPipeline pipeline,
    MqttAccessControl access,
    IngestionStats stats,
    IOptions<MqttIngestionOptions> options,
    TimeProvider time,
    ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable, IMqttIngress
{
    private MqttServer? _server;
    private X509Certificate2? _certificate;

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
        var builder = new MqttServerFactory().CreateServerOptionsBuilder();
        var tls = !string.IsNullOrWhiteSpace(settings.TlsCertificatePath);
        if (!tls || settings.PlainListener)
        {
            builder.WithDefaultEndpoint()
                .WithDefaultEndpointPort(settings.Port)
                .WithDefaultEndpointBoundIPAddress(address)
                .WithDefaultEndpointBoundIPV6Address(ipv6);
        }
        else
        {
            builder.WithoutDefaultEndpoint();
        }

        if (tls)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.TlsCertificatePath!, settings.TlsCertificatePassword);
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointPort(settings.TlsPort)
                .WithEncryptedEndpointBoundIPAddress(address)
                .WithEncryptedEndpointBoundIPV6Address(ipv6)
                .WithEncryptionCertificate(_certificate)
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }

        var server = new MqttServerFactory().CreateMqttServer(builder.Build(), [new GuardedTcpServerAdapter(settings, stats, time, logger)]);
        server.ValidatingConnectionAsync += access.ValidateConnectionAsync;
        server.InterceptingSubscriptionAsync += access.AuthorizeSubscriptionAsync;
        server.ClientDisconnectedAsync += access.ClientDisconnectedAsync;
        server.InterceptingPublishAsync += e => access.AuthorizePublish(e)
            ? pipeline.AcceptAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, e.ClientId, e.CancellationToken).AsTask()
            : Task.CompletedTask;
        await server.StartAsync().ConfigureAwait(false);
        _server = server;
        if (!tls || settings.PlainListener)
        {
            IngestionLog.BrokerStarted(logger, settings.BindAddress, settings.Port);
        }

        if (tls)
        {
            IngestionLog.TlsListening(logger, settings.BindAddress, settings.TlsPort);
        }

        if (!access.Required)
        {
            IngestionLog.AuthenticationOff(logger);
        }
    }

    /// <summary>Disconnects one client (a revoked device), telling MQTT 5 clients they are no longer authorised.</summary>
    public async Task DisconnectClientAsync(string clientId)
    {
        if (_server is not { } server)
        {
            return;
        }

        try
        {
            await server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized })
                .ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // it disconnected by itself in the meantime
        }
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
        _certificate?.Dispose();
        _certificate = null;
        return ValueTask.CompletedTask;
    }
}
