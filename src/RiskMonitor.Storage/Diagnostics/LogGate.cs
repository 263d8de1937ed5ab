namespace RiskMonitor.Storage.Diagnostics;

/// <summary>
/// Lets one log line through per <c>interval</c> and counts the ones held back, for failures that repeat per grain or
/// per batch while a store is down: a two-minute PostgreSQL outage under 1,000 assets wrote some 30,000 lines with
/// stack traces, and the line that matters (what failed, why, and how often) drowned in them.
/// </summary>
/// <remarks>Thread-safe; the first call always passes.</remarks>
public sealed class LogGate(TimeSpan interval, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _intervalTicks = (long)(interval.TotalSeconds * (time ?? TimeProvider.System).TimestampFrequency);
    private long _nextAt = long.MinValue;
    private long _held;

    /// <summary>True when a line may be written now; <paramref name="held"/> is how many were held back since the last one.</summary>
    public bool TryPass(out long held)
    {
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextAt);
        if (now >= next && Interlocked.CompareExchange(ref _nextAt, now + _intervalTicks, next) == next)
        {
            held = Interlocked.Exchange(ref _held, 0);
            return true;
        }

        Interlocked.Increment(ref _held);
        held = 0;
        return false;
    }
}
