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
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, RobustTrend.MaxSamples);
        Metric = metric;
        _entries = new Entry[capacity];
    }

    public string Metric { get; }

    public int Capacity => _entries.Length;

    public int Count { get; private set; }

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
        _next = (_next + 1) % _entries.Length;
        Count = Math.Min(Count + 1, _entries.Length);
        _newestTicks = ticks;
        return true;
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

        var newestIndex = (_next - 1 + _entries.Length) % _entries.Length;
        var newestMs = _entries[newestIndex].OffsetMs;
        var start = (_next - n + _entries.Length) % _entries.Length;
        for (var i = 0; i < n; i++)
        {
            var e = _entries[(start + i) % _entries.Length];
            seconds[i] = (e.OffsetMs - newestMs) / 1000.0;
            values[i] = e.Value;
        }

        return n;
    }

    /// <summary>Fits the newest <paramref name="samples"/> samples; false while fewer than <paramref name="minSamples"/> are held.</summary>
    public bool TryFit(int samples, int minSamples, out TrendFit fit)
    {
        var n = Math.Min(samples, Count);
        if (n < Math.Max(2, minSamples))
        {
            fit = default;
            return false;
        }

        Span<double> seconds = stackalloc double[n];
        Span<double> values = stackalloc double[n];
        CopyNewest(seconds, values);
        fit = RobustTrend.Fit(seconds, values);
        return true;
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

    private readonly record struct Entry(int OffsetMs, float Value);
}
