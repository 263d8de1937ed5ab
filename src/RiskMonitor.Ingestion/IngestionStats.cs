using System.Collections.Frozen;
using System.Text.Json;

namespace RiskMonitor.Ingestion;

/// <summary>Lock-free counters of what ingestion accepted and refused, per reason.</summary>
public sealed class IngestionStats
{
    private static readonly RejectReason[] Reasons = Enum.GetValues<RejectReason>();
    private readonly long[] _rejected = new long[Reasons.Length];
    private long _messages;
    private long _readings;
    private long _events;
    private long _statuses;
    private long _positions;
    private long _sessionsTakenOver;
    private long _messagesTakenOver;

    public void MessageReceived() => Interlocked.Increment(ref _messages);

    public void ReadingsAccepted(int count) => Interlocked.Add(ref _readings, count);

    public void EventAccepted() => Interlocked.Increment(ref _events);

    public void StatusAccepted() => Interlocked.Increment(ref _statuses);

    public void PositionAccepted() => Interlocked.Increment(ref _positions);

    /// <summary>A dead silo's broker session was taken over: <paramref name="messages"/> came through it; <paramref name="ended"/> when it was ended.</summary>
    public void SessionTakenOver(int messages, bool ended)
    {
        Interlocked.Add(ref _messagesTakenOver, messages);
        if (ended)
        {
            Interlocked.Increment(ref _sessionsTakenOver);
        }
    }

    public void Rejected(RejectReason reason, int count = 1) => Interlocked.Add(ref _rejected[(int)reason], count);

    public long RejectedCount(RejectReason reason) => Interlocked.Read(ref _rejected[(int)reason]);

    public IngestionStatsSnapshot Snapshot()
    {
        var rejected = new Dictionary<string, long>(Reasons.Length);
        long total = 0;
        foreach (var reason in Reasons)
        {
            var count = RejectedCount(reason);
            total += count;
            rejected[ReasonName(reason)] = count;
        }

        return new IngestionStatsSnapshot(
            Interlocked.Read(ref _messages), Interlocked.Read(ref _readings), Interlocked.Read(ref _events),
            Interlocked.Read(ref _statuses), total, rejected.ToFrozenDictionary(), Interlocked.Read(ref _positions),
            Interlocked.Read(ref _sessionsTakenOver), Interlocked.Read(ref _messagesTakenOver));
    }

    public static string ReasonName(RejectReason reason) => JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());
}

/// <summary>
/// Totals since start. A reading is one timestamped sample (one InfluxDB point); a rejection is one refused unit
/// (a whole message, or one sample or one value inside an otherwise good message). Sessions and messages taken over
/// are those of dead silos' broker sessions this node drained (docs/decisions/0029); those messages count as received too.
/// </summary>
public sealed record IngestionStatsSnapshot(
    long MessagesReceived,
    long ReadingsAccepted,
    long EventsAccepted,
    long StatusesAccepted,
    long RejectedTotal,
    IReadOnlyDictionary<string, long> RejectedByReason,
    long PositionsAccepted = 0,
    long SessionsTakenOver = 0,
    long MessagesTakenOver = 0);
