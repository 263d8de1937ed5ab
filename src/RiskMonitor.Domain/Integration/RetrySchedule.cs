namespace RiskMonitor.Domain.Integration;

/// <summary>
/// Exponential backoff with jitter for webhook redelivery: attempt n waits between half and all of
/// <c>min(max, initial * 2^(n-1))</c>. The jitter spreads the retries of many subscribers that failed together (a
/// receiver restart) so they do not all come back in the same second; keeping at least half the delay keeps the
/// backoff a backoff.
/// </summary>
public sealed record RetrySchedule(TimeSpan Initial, TimeSpan Max)
{
    /// <param name="attempt">1 for the first retry.</param>
    /// <param name="jitter">A uniform random number in [0, 1); the caller draws it so this stays pure.</param>
    public TimeSpan Delay(int attempt, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);
        // Capped before the multiplication: 2^62 ticks would overflow long.
        var exponent = Math.Min(attempt - 1, 30);
        var ceiling = Math.Min(Max.Ticks, Initial.Ticks * (double)(1L << exponent));
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (jitter / 2))));
    }
}
