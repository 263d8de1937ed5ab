namespace RiskMonitor.Domain.Rules.Trends;

/// <summary>
/// The newest samples of one metric on one asset, oldest overwritten first: the memory the rate-of-change and forecast
/// rules read. One per metric, shared by every rule on it and sized by the largest window they ask for.
/// </summary>
/// <remarks>
/// Times are kept as milliseconds from a base and values as <see cref="float"/>: 8 bytes a sample instead of 16, which
/// matters at one window per active asset (issue 22: heap per asset &lt;= 4 KB). A float carries 7 significant digits,
/// more than any field sensor resolves (0.01 % LEL, 0.1 kPa).
/// </remarks>
public sealed class SampleWindow
{
    private readonly Entry[] _entries;
    private long _baseTicks;
    private long _newestTicks; // kept apart from the entries so the order check needs no index arithmetic
    private int _next;

    public SampleWindow(string metric, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, RobustTrend.MaxSamples + 1); // a window and the pair leaving it
        Metric = metric;
        _entries = new Entry[capacity];
    }

    public string Metric { get; }

    public int Capacity => _entries.Length;

    public int Count { get; private set; }

    /// <summary>Samples added since the window was last emptied; sample k (from 0) is the k-th of them.</summary>
    public long Added { get; private set; }

    /// <summary>Goes up each time the window is emptied, so a rule that follows it incrementally knows to start over.</summary>
    public int Generation { get; private set; }

    /// <summary>Device time of the newest sample, or null while empty.</summary>
    public DateTimeOffset? NewestAt => Count == 0 ? null : new DateTimeOffset(_newestTicks, TimeSpan.Zero);

    /// <summary>
    /// Adds a sample. A sample not newer than the newest is ignored: a late reading says nothing about the trend now,
    /// and keeping time strictly increasing keeps every slope finite.
    /// </summary>
    public bool Add(DateTimeOffset sampledAt, double value)
    {
        if (!double.IsFinite(value) || (Count > 0 && sampledAt.UtcTicks <= _newestTicks))
        {
            return false;
        }

        var ticks = sampledAt.UtcTicks;
        if (Count == 0)
        {
            _baseTicks = ticks;
        }

        var offset = (ticks - _baseTicks) / TimeSpan.TicksPerMillisecond;
        if (offset > int.MaxValue)
        {
            offset = Rebase(ticks);
        }

        _entries[_next] = new Entry((int)offset, (float)value);
        _next = _next + 1 == _entries.Length ? 0 : _next + 1;
        Count = Math.Min(Count + 1, _entries.Length);
        Added++;
        _newestTicks = ticks;
        return true;
    }

    /// <summary>
    /// The slope between samples <paramref name="older"/> and <paramref name="newer"/> (indexes as in <see cref="Added"/>),
    /// per second, from the stored values: the same pair always gives the same number, so a rule can add it to a sorted
    /// set and later find it there to take it out. Both must still be held.
    /// </summary>
    public double SlopeBetween(long older, long newer)
    {
        var a = At(older);
        var b = At(newer);
        return ((double)b.Value - a.Value) * 1000.0 / (b.OffsetMs - a.OffsetMs);
    }

    /// <summary>
    /// Copies the newest <paramref name="seconds"/>.Length samples (at most <see cref="Count"/>), oldest first, as
    /// seconds relative to the newest sample (so the newest is 0 and the rest negative) and values. Returns how many.
    /// </summary>
    public int CopyNewest(Span<double> seconds, Span<double> values)
    {
        var n = Math.Min(Math.Min(seconds.Length, values.Length), Count);
        if (n == 0)
        {
            return 0;
        }

        var newestMs = At(Added - 1).OffsetMs;
        var slot = _next - n;
        if (slot < 0)
        {
            slot += _entries.Length;
        }

        for (var i = 0; i < n; i++)
        {
            var e = _entries[slot];
            seconds[i] = (e.OffsetMs - newestMs) / 1000.0;
            values[i] = e.Value;
            slot = slot + 1 == _entries.Length ? 0 : slot + 1;
        }

        return n;
    }

    /// <summary>Seconds from the oldest to the newest of the newest <paramref name="samples"/> samples held.</summary>
    public double SpanSeconds(int samples)
    {
        var n = Math.Min(samples, Count);
        return n < 2 ? 0 : (At(Added - 1).OffsetMs - At(Added - n).OffsetMs) / 1000.0;
    }

    /// <summary>
    /// The fitted value at the newest sample for a line of <paramref name="slopePerSecond"/> through the newest
    /// <paramref name="samples"/> samples: the median of the samples projected to the newest time along it.
    /// </summary>
    public double LevelAt(int samples, double slopePerSecond)
    {
        var n = Math.Min(samples, Count);
        if (n == 0)
        {
            return double.NaN;
        }

        Span<double> seconds = stackalloc double[n];
        Span<double> values = stackalloc double[n];
        CopyNewest(seconds, values);
        for (var i = 0; i < n; i++)
        {
            values[i] -= slopePerSecond * seconds[i]; // seconds are <= 0: relative to the newest
        }

        return RobustTrend.Median(values);
    }

    /// <summary>The median absolute residual of the newest <paramref name="samples"/> about <paramref name="fit"/>; for alert details.</summary>
    public double ResidualSpread(int samples, TrendFit fit)
    {
        var n = Math.Min(samples, Count);
        Span<double> seconds = stackalloc double[n];
        Span<double> values = stackalloc double[n];
        CopyNewest(seconds, values);
        return RobustTrend.ResidualSpread(seconds, values, fit);
    }

    public void Clear()
    {
        Count = 0;
        Added = 0;
        Generation++;
        _next = 0;
    }

    // After 24 days of samples the offsets outgrow an int: move the base up to the oldest sample kept. A gap that large
    // within the window itself (a month of silence) leaves nothing worth fitting, so the window starts over.
    private long Rebase(long ticks)
    {
        var oldest = (_next - Count + _entries.Length) % _entries.Length;
        var shiftMs = _entries[oldest].OffsetMs;
        var offset = ((ticks - _baseTicks) / TimeSpan.TicksPerMillisecond) - shiftMs;
        if (offset > int.MaxValue)
        {
            Clear();
            _baseTicks = ticks;
            return 0;
        }

        for (var i = 0; i < _entries.Length; i++)
        {
            _entries[i] = _entries[i] with { OffsetMs = _entries[i].OffsetMs - shiftMs };
        }

        _baseTicks += shiftMs * TimeSpan.TicksPerMillisecond;
        return offset;
    }

    private Entry At(long index)
    {
        var back = Added - index; // 1 for the newest
        if (back < 1 || back > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Sample {index} is no longer (or not yet) in the window.");
        }

        var slot = _next - (int)back;
        return _entries[slot < 0 ? slot + _entries.Length : slot];
    }

    private readonly record struct Entry(int OffsetMs, float Value);
}
