namespace RiskMonitor.Simulator.Hosting;

/// <summary>Counters shared by the publishing loop, the progress line and <c>GET /stats</c>.</summary>
internal sealed class SimulatorStats
{
    private long _readings;
    private long _messages;
    private long _dropped;
    private long _suppressed;

    public long Readings => Interlocked.Read(ref _readings);

    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Messages not sent because their gateway was disconnected or the publish failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Readings held back by a <c>silent</c> scenario.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    public void Sent(int readings)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _readings, readings);
    }

    public void Drop() => Interlocked.Increment(ref _dropped);

    public void Suppress() => Interlocked.Increment(ref _suppressed);
}
