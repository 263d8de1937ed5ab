namespace RiskMonitor.Storage.Influx;

/// <summary>
/// What the InfluxDB writer counts, written by its loops and read at any time (all interlocked): the figures behind
/// <see cref="InfluxWriterStats"/>, and the pace of retries after consecutive failures.
/// </summary>
internal sealed class InfluxWriterCounters(InfluxOptions options, TimeProvider time)
{
    private long _accepted;
    private long _written;
    private long _batchesPosted;
    private long _failedAttempts;
    private long _replayed;
    private long _dropped;
    private long _rejected;
    private long _skipped;
    private long _lastSuccessUtcTicks;
    private volatile string? _lastError;
    private int _consecutiveFailures;
    private long _retryDelayTicks;

    public long Written => Interlocked.Read(ref _written);

    public long Replayed => Interlocked.Read(ref _replayed);

    public long Dropped => Interlocked.Read(ref _dropped);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>How long to wait before the next attempt after the failures so far.</summary>
    public TimeSpan RetryDelay => TimeSpan.FromTicks(Interlocked.Read(ref _retryDelayTicks));

    /// <summary>Counted before the reading enters the buffer, so that Written can never run ahead of Accepted in a snapshot.</summary>
    public void Accept() => Interlocked.Increment(ref _accepted);

    public void Unaccept() => Interlocked.Decrement(ref _accepted);

    public void Skip() => Interlocked.Increment(ref _skipped);

    /// <returns>Dropped so far.</returns>
    public long Drop(int points) => Interlocked.Add(ref _dropped, points);

    /// <summary>Points that were lost to an unreadable spool file (moved to rejected/).</summary>
    public void Unreadable(int points) => Interlocked.Add(ref _rejected, points);

    public void Success(int points, bool replayed)
    {
        Interlocked.Add(ref _written, points);
        Interlocked.Increment(ref _batchesPosted);
        if (replayed)
        {
            Interlocked.Add(ref _replayed, points);
        }

        Interlocked.Exchange(ref _lastSuccessUtcTicks, time.GetUtcNow().UtcTicks);
        Interlocked.Exchange(ref _consecutiveFailures, 0);
    }

    /// <summary>A post InfluxDB did not take for a passing reason; sets the next retry's delay.</summary>
    /// <returns>Consecutive failures so far.</returns>
    public int Failure(PostOutcome outcome)
    {
        Interlocked.Increment(ref _failedAttempts);
        _lastError = outcome.Reason;
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        var delay = InfluxBackoff.Delay(failures, options.RetryBaseDelay, options.MaxRetryDelay, Random.Shared.NextDouble());
        if (outcome.RetryAfter is { } asked && asked > delay)
        {
            delay = asked < options.MaxRetryDelay ? asked : options.MaxRetryDelay;
        }

        Interlocked.Exchange(ref _retryDelayTicks, delay.Ticks);
        return failures;
    }

    /// <summary>A batch InfluxDB refused as invalid: the batch, not InfluxDB, was the problem, so what comes next is sent without waiting.</summary>
    public void Rejected(int points, PostOutcome outcome)
    {
        Interlocked.Increment(ref _failedAttempts);
        Interlocked.Add(ref _rejected, points);
        _lastError = outcome.Reason;
        Interlocked.Exchange(ref _consecutiveFailures, 0);
    }

    public InfluxWriterStats Snapshot((int Files, long Bytes, long Points) spool, int buffered)
    {
        var lastSuccess = Interlocked.Read(ref _lastSuccessUtcTicks);
        return new InfluxWriterStats(
            Accepted: Interlocked.Read(ref _accepted),
            Written: Interlocked.Read(ref _written),
            BatchesPosted: Interlocked.Read(ref _batchesPosted),
            FailedAttempts: Interlocked.Read(ref _failedAttempts),
            SpooledPoints: spool.Points,
            SpooledBytes: spool.Bytes,
            SpooledFiles: spool.Files,
            Replayed: Interlocked.Read(ref _replayed),
            Dropped: Interlocked.Read(ref _dropped),
            Rejected: Interlocked.Read(ref _rejected),
            Skipped: Interlocked.Read(ref _skipped),
            Buffered: buffered,
            LastSuccessAt: lastSuccess == 0 ? null : new DateTimeOffset(lastSuccess, TimeSpan.Zero),
            LastError: _lastError,
            Spooling: spool.Files > 0);
    }
}
