using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace RiskMonitor.Ingestion.Broker;

/// <summary>
/// The embedded broker's TCP (and TLS) listeners, in place of MQTTnet's own, so that limits hold before a client has
/// signed in (issue 24 row 5). MQTTnet 5.2 has no maximum packet size and allocates whatever a fixed header declares,
/// and it waits 100 s (<c>DefaultCommunicationTimeout</c>, also its send timeout) for a CONNECT with no limit on the
/// TLS handshake. Here every connection reads through a <see cref="PacketGuardStream"/>: a CONNECT over
/// <see cref="MqttIngestionOptions.MaxConnectPacketBytes"/> or any later packet over
/// <see cref="MqttIngestionOptions.MaxPacketBytes"/> closes the connection before its body is read, and so does a
/// TLS handshake plus CONNECT not done within <see cref="MqttIngestionOptions.ConnectTimeout"/>. Both are counted in
/// the same refusal counters as the broker's other refusals. Everything after the stream (packet decoding, sessions,
/// interceptors) is MQTTnet's own <see cref="MqttChannelAdapter"/>; the listener mirrors MQTTnet's
/// <c>MqttTcpServerListener</c> (endpoint options, IPv4 and IPv6 sockets, TLS settings).
/// </summary>
internal sealed class GuardedTcpServerAdapter(MqttIngestionOptions settings, IngestionStats stats, TimeProvider time, ILogger logger) : IMqttServerAdapter
{
    private readonly List<Socket> _listeners = [];
    private CancellationTokenSource? _stopping;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _stopping = new CancellationTokenSource();
        if (options.DefaultEndpointOptions.IsEnabled)
        {
            Listen(options, options.DefaultEndpointOptions, tls: null, logger, _stopping.Token);
        }

        if (options.TlsEndpointOptions.IsEnabled)
        {
            Listen(options, options.TlsEndpointOptions, options.TlsEndpointOptions, logger, _stopping.Token);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        _stopping?.Cancel();
        _stopping?.Dispose();
        _stopping = null;
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }

    private void Listen(
        MqttServerOptions server, MqttServerTcpEndpointBaseOptions endpoint, MqttServerTlsTcpEndpointOptions? tls, IMqttNetLogger mqttLogger,
        CancellationToken stopping)
    {
        foreach (var address in new[] { endpoint.BoundInterNetworkAddress, endpoint.BoundInterNetworkV6Address })
        {
            if (address.Equals(IPAddress.None))
            {
                continue;
            }

            // An address-family socket is IPv6-only, so [::]:1883 and 0.0.0.0:1883 can both be bound, as MQTTnet does.
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(address, endpoint.Port));
                listener.Listen(endpoint.ConnectionBacklog);
            }
            catch
            {
                listener.Dispose();
                throw;
            }

            _listeners.Add(listener);
            var local = (IPEndPoint)listener.LocalEndPoint!;
            _ = Task.Run(() => AcceptAsync(listener, local, server, endpoint, tls, mqttLogger, stopping), CancellationToken.None);
        }
    }

    private async Task AcceptAsync(
        Socket listener, IPEndPoint local, MqttServerOptions server, MqttServerTcpEndpointBaseOptions endpoint, MqttServerTlsTcpEndpointOptions? tls,
        IMqttNetLogger mqttLogger, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of file descriptors and the like: say so, and do not spin while it lasts.
                IngestionLog.AcceptFailed(logger, e, local.ToString());
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            _ = Task.Run(() => ServeAsync(client, local, server, endpoint, tls, mqttLogger), CancellationToken.None);
        }
    }

    private async Task ServeAsync(
        Socket socket, IPEndPoint local, MqttServerOptions server, MqttServerTcpEndpointBaseOptions endpoint, MqttServerTlsTcpEndpointOptions? tls,
        IMqttNetLogger mqttLogger)
    {
        var remote = socket.RemoteEndPoint;
        socket.NoDelay = endpoint.NoDelay;
        if (endpoint.LingerState is { } linger)
        {
            socket.LingerState = linger; // MQTTnet's default (on, 0 s): a closed connection is reset, not drained
        }

        using var deadline = new CancellationTokenSource(settings.ConnectTimeout, time);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            X509Certificate2? clientCertificate = null;
            if (tls?.CertificateProvider?.GetCertificate() is { } certificate)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, tls.RemoteCertificateValidationCallback);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = tls.ClientCertificateRequired,
                    EnabledSslProtocols = tls.SslProtocol,
                    CertificateRevocationCheckMode = tls.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
                    EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                    CipherSuitesPolicy = tls.CipherSuitesPolicy,
                }, deadline.Token).ConfigureAwait(false);
                clientCertificate = ssl.RemoteCertificate as X509Certificate2;
            }

            var meter = new MqttFrameMeter(settings.MaxConnectPacketBytes, settings.MaxPacketBytes);
            var guarded = new PacketGuardStream(stream, meter, deadline.Token, (reason, m) => Refused(reason, m, remote));
            var channel = new MqttTcpChannel(guarded, local, remote, clientCertificate);
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(server.WriterBufferSize, server.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, mqttLogger) { AllowPacketFragmentation = endpoint.AllowPacketFragmentation };
            if (ClientHandler is { } handler)
            {
                await handler(adapter).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The TLS handshake did not finish in time (a CONNECT that does not is refused by the guard stream).
            stats.Rejected(RejectReason.ConnectTimeout);
            IngestionLog.ConnectTimedOut(logger, remote?.ToString(), settings.ConnectTimeout);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or ObjectDisposedException)
        {
            IngestionLog.ConnectionFailed(logger, remote?.ToString(), e.GetType().Name, e.Message);
        }
        catch (Exception e)
        {
            // Whatever else ends one connection must not go unseen (this runs on its own task) nor touch the others.
            IngestionLog.ConnectionCrashed(logger, e, remote?.ToString());
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Refused(GuardRefusal reason, MqttFrameMeter meter, EndPoint? remote)
    {
        if (reason == GuardRefusal.ConnectTimeout)
        {
            stats.Rejected(RejectReason.ConnectTimeout);
            IngestionLog.ConnectTimedOut(logger, remote?.ToString(), settings.ConnectTimeout);
            return;
        }

        stats.Rejected(RejectReason.PacketTooLarge);
        IngestionLog.PacketTooLarge(logger, remote?.ToString(), meter.DeclaredLength, meter.LimitApplied, meter.FirstPacketComplete);
    }
}
