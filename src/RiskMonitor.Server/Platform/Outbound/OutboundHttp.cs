using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;

namespace RiskMonitor.Server.Platform.Outbound;

/// <summary>
/// The one HTTP client for requests to URLs that integrators or operators chose: feed webhooks and the escalation
/// webhook (and the SMS or voice gateways that plug in behind it). Its handler resolves the host itself and checks
/// every address against <see cref="OutboundPolicy"/> in the connect callback, i.e. at the moment a socket is opened:
/// a URL validated at registration cannot later point elsewhere (DNS rebinding), and a redirect, should a caller turn
/// them on, is checked like the first request. docs/decisions/0026-outbound-requests.md.
/// </summary>
internal static class OutboundHttp
{
    /// <summary>The named client (<c>IHttpClientFactory.CreateClient(ClientName)</c>); callers set their own timeout.</summary>
    public const string ClientName = "outbound";

    public static WebApplicationBuilder AddOutboundRequests(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.SectionName)
            .Validate(OutboundPolicy.IsValid, "Outbound:AllowedNetworks are CIDR blocks (10.0.0.0/8, fd00::/8) and Outbound:AllowedHosts host names.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboundPolicy>();
        builder.Services.AddHttpClient(ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(sp.GetRequiredService<OutboundPolicy>()));
        return builder;
    }

    /// <summary>A handler that connects only where <paramref name="policy"/> allows.</summary>
    public static SocketsHttpHandler CreateHandler(OutboundPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new SocketsHttpHandler
        {
            // A signed delivery goes where the subscriber said; the connect callback would also refuse a redirect to a
            // refused address, but not following one at all also keeps a 3xx from moving the request to another host.
            AllowAutoRedirect = false,
            // A proxy would open the connection to the target on our behalf, past the check below.
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        };
    }

    private static async ValueTask<Stream> ConnectAsync(OutboundPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = OutboundPolicy.Host(endPoint.Host);
        var addresses = await OutboundPolicy.ResolveAsync(host, cancellationToken);
        string? refusal = null;
        Exception? lastError = null;
        foreach (var address in addresses)
        {
            // The address checked is the address connected to: no second lookup that a rebinding DNS could answer differently.
            if (policy.Refusal(host, address) is { } why)
            {
                refusal ??= why;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (lastError is not null)
        {
            ExceptionDispatchInfo.Throw(lastError);
        }

        throw new OutboundRefusedException(refusal ?? $"'{host}' resolves to no address.");
    }
}
