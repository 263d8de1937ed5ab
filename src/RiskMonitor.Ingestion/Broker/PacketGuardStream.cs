namespace RiskMonitor.Ingestion.Broker;

/// <summary>Why <see cref="PacketGuardStream"/> closed a connection.</summary>
internal enum GuardRefusal
{
    /// <summary>A packet declared a size over its limit (the CONNECT limit before sign-in, the packet limit after).</summary>
    PacketTooLarge,

    /// <summary>The CONNECT packet was not complete within the connect timeout.</summary>
    ConnectTimeout,
}

/// <summary>
/// Sits between the socket (or TLS) stream and MQTTnet's channel adapter and meters the MQTT framing as it is read
/// (<see cref="MqttFrameMeter"/>). A packet over its limit, or a CONNECT not complete by the connect deadline, closes
/// the connection at once: the read answers 0 (a closed connection, which MQTTnet handles quietly) and the declared
/// body is never read or allocated (issue 24 row 5).
/// </summary>
internal sealed class PacketGuardStream(Stream inner, MqttFrameMeter meter, CancellationToken connectDeadline, Action<GuardRefusal, MqttFrameMeter> refused)
    : Stream
{
    private bool _closed;

    public override bool CanRead => !_closed && inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => !_closed && inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_closed)
        {
            return 0;
        }

        int read;
        if (meter.FirstPacketComplete)
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectDeadline);
            try
            {
                read = await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (connectDeadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return Close(GuardRefusal.ConnectTimeout);
            }
        }

        return read > 0 && !meter.Feed(buffer.Span[..read]) ? Close(GuardRefusal.PacketTooLarge) : read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_closed)
        {
            return 0;
        }

        var read = inner.Read(buffer, offset, count);
        return read > 0 && !meter.Feed(buffer.AsSpan(offset, read)) ? Close(GuardRefusal.PacketTooLarge) : read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override ValueTask DisposeAsync()
    {
        _closed = true;
        return inner.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _closed = true;
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Close(GuardRefusal reason)
    {
        _closed = true;
        refused(reason, meter);
        inner.Dispose(); // the socket goes now (linger 0: a reset), not when MQTTnet gets round to it
        return 0;
    }
}
