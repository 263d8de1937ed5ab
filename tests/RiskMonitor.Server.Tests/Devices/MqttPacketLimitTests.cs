using System.Net.Sockets;
using System.Text;

namespace RiskMonitor.Server.Tests.Devices;

/// <summary>
/// Issue 24 row 5 over a raw socket to the real broker: a packet that declares more than the broker reads closes the
/// connection before its body is read (before sign-in and after), and a connection that sends no CONNECT is closed at
/// the connect timeout; each is counted with the broker's other refusals.
/// </summary>
public sealed class MqttPacketLimitTests(SecureServerFixture server) : IClassFixture<SecureServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_unauthenticated_connect_declaring_40_MiB_is_closed_at_its_header_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await server.RejectedAsync("packet_too_large", ct);
        using var socket = await OpenAsync(ct);

        // CONNECT with remaining length 40 MiB (0x80 0x80 0x80 0x14), then the first MiB of it.
        await SendQuietlyAsync(socket, [0x10, 0x80, 0x80, 0x80, 0x14], ct);
        await SendQuietlyAsync(socket, new byte[1 << 20], ct);

        Assert.True(await ClosedByServerAsync(socket, ct), "the broker kept the connection open");
        Assert.Equal(before + 1, await server.RejectedAsync("packet_too_large", ct));
    }

    [Fact]
    public async Task A_declared_size_is_never_allocated()
    {
        var ct = TestContext.Current.CancellationToken;
        // 240 MiB declared: a broker that believed the header would allocate it at once (MQTTnet 5.2 does). The whole
        // test process is measured, other test classes included, so the bound is far above their noise and far below
        // the declared size.
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var socket = await OpenAsync(ct);

        await SendQuietlyAsync(socket, [0x10, 0xFF, 0xFF, 0xFF, 0x77], ct);

        Assert.True(await ClosedByServerAsync(socket, ct), "the broker kept the connection open");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < 128L << 20, $"{allocated / (1 << 20)} MiB allocated while a 240 MiB packet was refused");
    }

    [Fact]
    public async Task A_signed_in_device_publishing_3_MB_is_disconnected_before_the_body_is_read_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = await server.ProvisionAsync("dev-huge", ["gp-t-013"], ct);
        var before = await server.RejectedAsync("packet_too_large", ct);
        using var socket = await OpenAsync(ct);
        await socket.SendAsync(Connect("dev-huge", "dev-huge", secret), ct);
        var connack = new byte[4];
        await socket.ReceiveAsync(connack, ct).AsTask().WaitAsync(Patience, ct);
        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x00 }, connack); // signed in

        // PUBLISH QoS 0 to its own asset, 3,000,000 bytes declared (0xC0 0x8D 0xB7 0x01), body sent in 64 KiB pieces.
        await SendQuietlyAsync(socket, [0x30, 0xC0, 0x8D, 0xB7, 0x01], ct);
        for (var sent = 0; sent < 3_000_000 && socket.Connected; sent += 64 * 1024)
        {
            await SendQuietlyAsync(socket, new byte[Math.Min(64 * 1024, 3_000_000 - sent)], ct);
        }

        Assert.True(await ClosedByServerAsync(socket, ct), "the broker kept the connection open");
        Assert.Equal(before + 1, await server.RejectedAsync("packet_too_large", ct));
    }

    [Fact]
    public async Task A_connection_that_sends_no_complete_connect_is_closed_at_the_connect_timeout_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await server.RejectedAsync("connect_timeout", ct);
        using var socket = await OpenAsync(ct);

        await socket.SendAsync(new byte[] { 0x10, 0x20, 0x00 }, ct); // a CONNECT header and one byte of 32, then silence

        Assert.True(await ClosedByServerAsync(socket, ct), "the broker kept the connection open");
        await ServerFixture.EventuallyAsync(() => server.RejectedAsync("connect_timeout", ct), n => n > before, Patience, ct);
    }

    private async Task<Socket> OpenAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", server.MqttPort, ct);
        return socket;
    }

    /// <summary>Sends, ignoring a connection the server has already reset: that is what these tests expect of it.</summary>
    private static async Task SendQuietlyAsync(Socket socket, byte[] bytes, CancellationToken ct)
    {
        try
        {
            await socket.SendAsync(bytes, ct);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>True when the server closes or resets the connection within the patience; false when it keeps it open.</summary>
    private static async Task<bool> ClosedByServerAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(Patience);
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, patience.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>An MQTT 3.1.1 CONNECT with user name and password, clean session, keep-alive 60 s.</summary>
    private static byte[] Connect(string clientId, string user, string password)
    {
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0xC2, 0x00, 0x3C };
        foreach (var field in new[] { clientId, user, password })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            body.Add((byte)(bytes.Length >> 8));
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
        }

        return [0x10, (byte)body.Count, .. body]; // under 128 bytes: one length byte
    }
}
