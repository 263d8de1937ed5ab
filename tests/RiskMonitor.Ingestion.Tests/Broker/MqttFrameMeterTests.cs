using RiskMonitor.Ingestion.Broker;

namespace RiskMonitor.Ingestion.Tests.Broker;

public sealed class MqttFrameMeterTests
{
    private const int ConnectLimit = 100;
    private const int PacketLimit = 1000;

    [Fact]
    public void A_connect_declaring_40_MiB_is_refused_at_its_length_bytes()
    {
        var meter = new MqttFrameMeter(ConnectLimit, PacketLimit);

        // 0x10 CONNECT, remaining length 40 MiB = 0x80 0x80 0x80 0x14: refused at its last length byte, before any body.
        Assert.False(meter.Feed([0x10, 0x80, 0x80, 0x80, 0x14]));
        Assert.False(meter.FirstPacketComplete);
        Assert.Equal(ConnectLimit, meter.LimitApplied);
    }

    [Fact]
    public void The_connect_limit_applies_to_the_first_packet_and_the_packet_limit_after_it()
    {
        var meter = new MqttFrameMeter(ConnectLimit, PacketLimit);

        Assert.True(meter.Feed(Packet(0x10, ConnectLimit)));
        Assert.True(meter.FirstPacketComplete);
        Assert.True(meter.Feed(Packet(0x30, PacketLimit)));
        Assert.False(meter.Feed(Header(0x30, PacketLimit + 1)));
        Assert.Equal(PacketLimit + 1, meter.DeclaredLength);
        Assert.Equal(PacketLimit, meter.LimitApplied);
    }

    [Fact]
    public void A_connect_one_byte_over_its_limit_is_refused()
    {
        var meter = new MqttFrameMeter(ConnectLimit, PacketLimit);

        Assert.False(meter.Feed(Header(0x10, ConnectLimit + 1)));
        Assert.Equal(ConnectLimit + 1, meter.DeclaredLength);
    }

    [Fact]
    public void Packets_split_at_any_byte_are_followed_the_same_way()
    {
        // CONNECT, PINGREQ (no body), two publishes, then one over the limit, fed one byte at a time.
        byte[] stream = [.. Packet(0x10, 60), 0xC0, 0x00, .. Packet(0x32, 200), .. Packet(0x30, 999), .. Header(0x30, 1001)];
        var meter = new MqttFrameMeter(ConnectLimit, PacketLimit);

        var refusedAt = -1;
        for (var i = 0; i < stream.Length; i++)
        {
            if (!meter.Feed(stream.AsSpan(i, 1)))
            {
                refusedAt = i;
                break;
            }
        }

        Assert.Equal(stream.Length - 1, refusedAt); // the last length byte of the last header, not before
    }

    [Fact]
    public void A_fifth_length_byte_is_refused_whatever_the_limits()
    {
        var meter = new MqttFrameMeter(int.MaxValue, int.MaxValue);

        Assert.False(meter.Feed([0x10, 0x80, 0x80, 0x80, 0x80]));
    }

    private static byte[] Packet(byte type, int length) => [.. Header(type, length), .. new byte[length]];

    private static byte[] Header(byte type, int length)
    {
        var bytes = new List<byte> { type };
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        return [.. bytes];
    }
}
