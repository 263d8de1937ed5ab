namespace RiskMonitor.Ingestion.Broker;

/// <summary>
/// Follows the MQTT framing of a byte stream as it is read (fixed header, variable-length remaining length, body) and
/// says as soon as a packet declares a size over its limit, before anyone reads or allocates its body (issue 24 row 5;
/// MQTTnet 5.2 allocates the declared size as soon as it has the header). The first packet, which must be CONNECT and
/// is read before the client has signed in, has its own, smaller limit. Pure: no I/O, one instance per connection,
/// not thread-safe (a connection is read by one reader at a time).
/// </summary>
public sealed class MqttFrameMeter(int firstPacketLimit, int packetLimit)
{
    private State _state = State.TypeByte;
    private int _length;
    private int _multiplier = 1;
    private int _lengthBytes;
    private long _bodyLeft;

    /// <summary>True once the whole first packet (CONNECT) has been read.</summary>
    public bool FirstPacketComplete { get; private set; }

    /// <summary>
    /// The remaining length the refused packet declared, or as much of it as was read before it was over the limit
    /// (valid after <see cref="Feed"/> returned false).
    /// </summary>
    public long DeclaredLength { get; private set; }

    /// <summary>The limit that applied to the refused packet.</summary>
    public int LimitApplied => FirstPacketComplete ? packetLimit : firstPacketLimit;

    /// <summary>Takes the next bytes read from the connection; false as soon as a packet declares more than its limit.</summary>
    public bool Feed(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.TypeByte:
                    _length = 0;
                    _multiplier = 1;
                    _lengthBytes = 0;
                    _state = State.Length;
                    i++;
                    break;
                case State.Length:
                    var b = bytes[i++];
                    _length += (b & 0x7F) * _multiplier;
                    _lengthBytes++;
                    if ((b & 0x80) != 0)
                    {
                        _multiplier *= 128;
                        // A fifth length byte is not MQTT (§1.5.5) and would mean at least 256 MiB: over any limit.
                        // Otherwise refuse as soon as the digits so far exceed the limit, without waiting for the rest.
                        if (_lengthBytes == 4 || _length > LimitApplied)
                        {
                            DeclaredLength = Math.Max(_length, _lengthBytes == 4 ? 1L << 28 : 0);
                            return false;
                        }

                        break;
                    }

                    if (_length > LimitApplied)
                    {
                        DeclaredLength = _length;
                        return false;
                    }

                    _bodyLeft = _length;
                    if (_bodyLeft == 0)
                    {
                        EndPacket();
                    }
                    else
                    {
                        _state = State.Body;
                    }

                    break;
                default:
                    var take = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0)
                    {
                        EndPacket();
                    }

                    break;
            }
        }

        return true;
    }

    private void EndPacket()
    {
        FirstPacketComplete = true;
        _state = State.TypeByte;
    }

    private enum State
    {
        TypeByte,
        Length,
        Body,
    }
}
