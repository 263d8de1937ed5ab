using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Options;

namespace RiskMonitor.Ingestion;

/// <summary>
/// The newest refused messages with their raw payload, bounded by count and by bytes so that a flood of junk cannot
/// exhaust memory: the oldest letters are evicted first. The counters in <see cref="IngestionStats"/> never evict.
/// </summary>
public sealed class DeadLetterStore
{
    private readonly Queue<DeadLetter> _letters = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;
    private long _sequence;

    public DeadLetterStore(IOptions<MqttIngestionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = options.Value.DeadLetterCapacity;
        _maxBytes = options.Value.DeadLetterMaxBytes;
    }

    public long Evicted { get; private set; }

    public void Add(string topic, string? clientId, ReadOnlySequence<byte> payload, RejectReason reason, string detail, DateTimeOffset at)
    {
        var raw = payload.Length <= _maxBytes ? payload.ToArray() : payload.Slice(0, _maxBytes).ToArray();
        lock (_gate)
        {
            var letter = new DeadLetter(++_sequence, at, topic, clientId, reason, detail, raw);
            _letters.Enqueue(letter);
            _bytes += raw.Length;
            while (_letters.Count > _capacity || _bytes > _maxBytes)
            {
                _bytes -= _letters.Dequeue().Payload.Length;
                Evicted++;
            }
        }
    }

    /// <summary>Newest first, optionally only one reason.</summary>
    public IReadOnlyList<DeadLetter> Newest(int limit, RejectReason? reason = null)
    {
        lock (_gate)
        {
            return [.. _letters.Reverse().Where(l => reason is null || l.Reason == reason).Take(limit)];
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _letters.Count;
            }
        }
    }
}

/// <summary>A refused message exactly as it arrived.</summary>
public sealed record DeadLetter(long Sequence, DateTimeOffset ReceivedAt, string Topic, string? ClientId, RejectReason Reason, string Detail, byte[] Payload)
{
    /// <summary>The payload as text when it is valid UTF-8, else null (see <see cref="PayloadBase64"/>).</summary>
    public string? PayloadText => Utf8.IsValid(Payload) ? Encoding.UTF8.GetString(Payload) : null;

    public string PayloadBase64 => Convert.ToBase64String(Payload);
}
