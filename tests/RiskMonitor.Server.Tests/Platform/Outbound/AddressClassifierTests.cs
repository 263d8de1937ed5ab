using System.Net;
using RiskMonitor.Server.Platform.Outbound;

namespace RiskMonitor.Server.Tests.Platform.Outbound;

/// <summary>Issue 24 row 1: the address classifier behind the outbound policy, pure (no DNS, no sockets).</summary>
public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("::127.0.0.1", AddressKind.Loopback)]
    [InlineData("64:ff9b::7f00:1", AddressKind.Loopback)]
    [InlineData("2002:7f00:1::1", AddressKind.Loopback)]
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("0.1.2.3", AddressKind.Reserved)]
    [InlineData("169.254.169.254", AddressKind.CloudMetadata)]
    [InlineData("::ffff:169.254.169.254", AddressKind.CloudMetadata)]
    [InlineData("fd00:ec2::254", AddressKind.CloudMetadata)]
    [InlineData("169.254.1.1", AddressKind.LinkLocal)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("febf::1", AddressKind.LinkLocal)]
    [InlineData("10.0.0.1", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("::ffff:10.1.2.3", AddressKind.Private)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.SharedAddressSpace)]
    [InlineData("100.127.255.254", AddressKind.SharedAddressSpace)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("239.255.255.250", AddressKind.Multicast)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("255.255.255.255", AddressKind.Broadcast)]
    [InlineData("240.0.0.1", AddressKind.Reserved)]
    [InlineData("192.0.2.10", AddressKind.Reserved)]
    [InlineData("198.18.0.1", AddressKind.Reserved)]
    [InlineData("2001:db8::1", AddressKind.Reserved)]
    [InlineData("2001:0:4136:e378::1", AddressKind.Reserved)]
    [InlineData("100::1", AddressKind.Reserved)]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("172.15.255.255", AddressKind.Public)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("100.63.255.255", AddressKind.Public)]
    [InlineData("100.128.0.1", AddressKind.Public)]
    [InlineData("169.253.1.1", AddressKind.Public)]
    [InlineData("::ffff:8.8.8.8", AddressKind.Public)]
    [InlineData("2400:cb00::1", AddressKind.Public)]
    [InlineData("2606:4700::1111", AddressKind.Public)]
    public void Each_address_is_classified(string address, AddressKind expected)
    {
        var kind = AddressClassifier.Classify(IPAddress.Parse(address));

        Assert.Equal(expected, kind);
    }

    [Fact]
    public void Only_public_addresses_pass_without_an_allow_list_and_the_allow_list_opens_exactly_what_it_names()
    {
        var none = new OutboundPolicy(new OutboundOptions());
        var listed = new OutboundPolicy(new OutboundOptions { AllowedNetworks = ["127.0.0.0/8", "fd00::/8"], AllowedHosts = ["*.city.example", "influx.lab"] });

        Assert.Null(none.Refusal("example.org", IPAddress.Parse("8.8.8.8")));
        Assert.Contains("loopback", none.Refusal("127.0.0.1", IPAddress.Loopback), StringComparison.Ordinal);
        Assert.Contains("Outbound:AllowedNetworks", none.Refusal("x", IPAddress.Parse("169.254.169.254")), StringComparison.Ordinal);
        Assert.Null(listed.Refusal("127.0.0.1", IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Null(listed.Refusal("x", IPAddress.Parse("fd00::5")));
        Assert.NotNull(listed.Refusal("x", IPAddress.Parse("10.0.0.1")));
        Assert.Null(listed.Refusal("hooks.city.example", IPAddress.Parse("10.0.0.1")));
        Assert.NotNull(listed.Refusal("evilcity.example", IPAddress.Parse("10.0.0.1")));
        Assert.Null(listed.Refusal("INFLUX.lab.", IPAddress.Parse("192.168.0.2")));
    }

    [Theory]
    [InlineData("ftp://example.org/x", "http and https")]
    [InlineData("http://user:pw@8.8.8.8/hook", "user information")]
    [InlineData("http://127.0.0.1:8086/query?q=SHOW%20DATABASES", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]:8086/query", "loopback")]
    [InlineData("http://2130706433:8086/query", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "metadata")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "metadata")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("http://localhost:8086/query", "loopback")]
    public async Task A_url_to_a_refused_address_is_refused_with_the_reason(string url, string reason)
    {
        var policy = new OutboundPolicy(new OutboundOptions());

        var refusal = await policy.CheckUrlAsync(new Uri(url), TestContext.Current.CancellationToken);

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_address_literal_is_accepted()
    {
        var policy = new OutboundPolicy(new OutboundOptions());

        Assert.Null(await policy.CheckUrlAsync(new Uri("https://8.8.8.8/hook"), TestContext.Current.CancellationToken));
    }
}
