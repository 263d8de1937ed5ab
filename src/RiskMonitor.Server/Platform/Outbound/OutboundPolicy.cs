using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace RiskMonitor.Server.Platform.Outbound;

/// <summary>
/// Decides whether this server may connect to an address on behalf of a URL somebody else chose
/// (docs/decisions/0026-outbound-requests.md): public addresses yes; loopback, link-local, private, shared, metadata,
/// multicast and reserved ones only when <see cref="OutboundOptions"/> names the host or the network.
/// </summary>
internal sealed class OutboundPolicy
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);
    private readonly IPNetwork[] _networks;
    private readonly string[] _hosts;

    public OutboundPolicy(IOptions<OutboundOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    public OutboundPolicy(OutboundOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _networks = [.. options.AllowedNetworks.Select(n => IPNetwork.Parse(n.Trim()))];
        _hosts = [.. options.AllowedHosts.Select(h => h.Trim().TrimEnd('.').ToLowerInvariant()).Where(h => h.Length > 0)];
    }

    /// <summary>Whether every entry parses; used by the options validation at start-up.</summary>
    public static bool IsValid(OutboundOptions options) =>
        options is not null && options.AllowedNetworks.All(n => IPNetwork.TryParse(n?.Trim(), out _)) && options.AllowedHosts.All(h => !string.IsNullOrWhiteSpace(h));

    /// <summary>Null when <paramref name="host"/> (as the URL names it) may be reached at <paramref name="address"/>; else why not.</summary>
    public string? Refusal(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(address);
        var kind = AddressClassifier.Classify(address);
        if (kind == AddressKind.Public || IsAllowedHost(host))
        {
            return null;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_networks.Any(n => n.Contains(plain) || n.Contains(address)))
        {
            return null;
        }

        return $"'{host}' resolves to {plain}, {AddressClassifier.Describe(kind)}, which outbound requests may not reach " +
            "unless the server's Outbound:AllowedNetworks or Outbound:AllowedHosts names it.";
    }

    /// <summary>
    /// The up-front check of a URL somebody registers: http or https, no user information, a host that resolves, and
    /// no resolved address the policy refuses. Null when acceptable, else the reason for the problem details. The
    /// connect-time check (<see cref="OutboundHttp"/>) is what actually holds; this one explains the refusal early.
    /// </summary>
    public async Task<string?> CheckUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return "Only absolute http and https URLs are allowed.";
        }

        if (url.UserInfo.Length > 0)
        {
            return "A URL with user information (user:password@host) is not allowed; authenticate the webhook by its signature.";
        }

        var host = Host(url.IdnHost);
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"The host '{host}' does not resolve.";
        }

        if (addresses.Length == 0)
        {
            return $"The host '{host}' does not resolve.";
        }

        // Every address, not only the first: a name that resolves to a public and a private address is refused, since
        // the connection could land on either.
        return addresses.Select(a => Refusal(host, a)).FirstOrDefault(r => r is not null);
    }

    /// <summary>The addresses of a host name, or the literal itself (no DNS for <c>127.0.0.1</c> or <c>[::1]</c>).</summary>
    internal static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        return await Dns.GetHostAddressesAsync(host, timeout.Token);
    }

    /// <summary>A host as URLs and DnsEndPoint give it, without the brackets of an IPv6 literal.</summary>
    internal static string Host(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;

    private bool IsAllowedHost(string host)
    {
        var name = host.TrimEnd('.').ToLowerInvariant();
        return _hosts.Any(h => h == name || (h.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(h[1..], StringComparison.Ordinal)));
    }
}
