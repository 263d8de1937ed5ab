using System.Net;
using System.Net.Sockets;

namespace RiskMonitor.Server.Platform.Outbound;

/// <summary>What kind of address an outbound request would connect to (docs/decisions/0026-outbound-requests.md).</summary>
public enum AddressKind
{
    /// <summary>Globally routable: the only kind reachable without an allow-list entry.</summary>
    Public,
    Loopback,
    LinkLocal,
    Private,
    Unspecified,
    Multicast,

    /// <summary>100.64.0.0/10 (RFC 6598, carrier-grade NAT); cloud providers also put services there.</summary>
    SharedAddressSpace,

    /// <summary>169.254.169.254, fd00:ec2::254: instance metadata services that hand out cloud credentials.</summary>
    CloudMetadata,
    Broadcast,

    /// <summary>Documentation, benchmarking, "this network", future use, and IPv6 outside global unicast.</summary>
    Reserved,
}

/// <summary>
/// Classifies an IP address for the outbound policy. Pure: no DNS, no configuration. Addresses that carry an IPv4
/// address inside IPv6 (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are classified by the IPv4 address, because a dual
/// stack or a gateway delivers them there: <c>::ffff:127.0.0.1</c> is loopback.
/// </summary>
internal static class AddressClassifier
{
    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static AddressKind Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassifyV4(address.MapToIPv4().GetAddressBytes());
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => AddressKind.Reserved,
        };
    }

    /// <summary>A few words for the refusal message: "a loopback address".</summary>
    public static string Describe(AddressKind kind) => kind switch
    {
        AddressKind.Public => "a public address",
        AddressKind.Loopback => "a loopback address",
        AddressKind.LinkLocal => "a link-local address",
        AddressKind.Private => "a private-network address",
        AddressKind.Unspecified => "the unspecified address",
        AddressKind.Multicast => "a multicast address",
        AddressKind.SharedAddressSpace => "a shared (carrier-grade NAT) address",
        AddressKind.CloudMetadata => "a cloud metadata service address",
        AddressKind.Broadcast => "a broadcast address",
        _ => "a reserved address",
    };

    private static AddressKind ClassifyV4(byte[] b) => (b[0], b[1], b[2], b[3]) switch
    {
        (0, 0, 0, 0) => AddressKind.Unspecified,
        (0, _, _, _) => AddressKind.Reserved, // "this network": Linux connects 0.x.y.z to the local host
        (127, _, _, _) => AddressKind.Loopback,
        (169, 254, 169, 254) => AddressKind.CloudMetadata,
        (169, 254, _, _) => AddressKind.LinkLocal,
        (10, _, _, _) => AddressKind.Private,
        (172, >= 16 and <= 31, _, _) => AddressKind.Private,
        (192, 168, _, _) => AddressKind.Private,
        (100, >= 64 and <= 127, _, _) => AddressKind.SharedAddressSpace,
        (192, 0, 0, _) or (192, 0, 2, _) or (198, 51, 100, _) or (203, 0, 113, _) or (198, 18 or 19, _, _) => AddressKind.Reserved,
        (255, 255, 255, 255) => AddressKind.Broadcast,
        ( >= 224 and <= 239, _, _, _) => AddressKind.Multicast,
        ( >= 240, _, _, _) => AddressKind.Reserved,
        _ => AddressKind.Public,
    };

    private static AddressKind ClassifyV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressKind.Unspecified;
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressKind.Loopback;
        }

        if (address.Equals(Ec2MetadataV6) || (address.ScopeId != 0 && new IPAddress(address.GetAddressBytes()).Equals(Ec2MetadataV6)))
        {
            return AddressKind.CloudMetadata;
        }

        var b = address.GetAddressBytes();
        // ::a.b.c.d (IPv4-compatible, deprecated) and 64:ff9b::/96 (NAT64): the last four bytes are the IPv4 target.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 ||
            (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0))
        {
            return ClassifyV4(b[12..16]);
        }

        // 2002::/16 (6to4): bytes 2-5 are the IPv4 address of the relay the packet is tunnelled to.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(b[2..6]);
        }

        return b[0] switch
        {
            0xff => AddressKind.Multicast,
            0xfe when (b[1] & 0xc0) == 0x80 => AddressKind.LinkLocal, // fe80::/10
            0xfe when (b[1] & 0xc0) == 0xc0 => AddressKind.Private, // fec0::/10, the deprecated site-local
            0xfc or 0xfd => AddressKind.Private, // fc00::/7 unique local
            // 64:ff9b:1::/48 local NAT64, 2001::/32 Teredo (hides an IPv4 target), 2001:db8::/32 documentation
            0x00 when b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b => AddressKind.Private,
            0x20 when b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00 => AddressKind.Reserved,
            0x20 when b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 => AddressKind.Reserved,
            >= 0x20 and <= 0x3f => AddressKind.Public, // 2000::/3, global unicast
            _ => AddressKind.Reserved,
        };
    }
}
