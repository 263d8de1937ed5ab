namespace RiskMonitor.Load.Deployed;

/// <summary>An alert change the publisher caused: the reading (asset, ts) and when its publish was called (UTC ticks).</summary>
public readonly record struct PublishedChange(int Asset, long ReadingTs, ChangeKind Kind, long PublishedAtTicks);

/// <summary>An alert change seen outside the server (hub, ledger, feed) and when it was seen (UTC ticks; 0 if unknown).</summary>
public readonly record struct ObservedChange(int Asset, long ReadingTs, ChangeKind Kind, long ObservedAtTicks);

/// <summary>p50/p95/p99/max by nearest rank, as the in-process modes report them.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencySummary Of(IEnumerable<double> latenciesMs)
    {
        var values = latenciesMs.ToArray();
        Array.Sort(values);
        double At(double p) => values.Length == 0 ? double.NaN : Math.Round(values[Math.Clamp((int)Math.Ceiling(p * values.Length) - 1, 0, values.Length - 1)], 2);
        return new(values.Length, At(0.50), At(0.95), At(0.99), values.Length == 0 ? double.NaN : Math.Round(values[^1], 2));
    }
}

/// <summary>
/// Published changes matched against what one outside observer saw. Expected, missing and duplicated are counted by
/// (asset, reading ts, kind): a reading changes its alert once, so a second sighting of the same key is a duplicate
/// and a sighting with no published key is unexpected.
/// </summary>
public sealed record ChangeVerdict(long Expected, long Seen, long Missing, long Duplicates, long Unexpected)
{
    public bool Exact => Missing == 0 && Duplicates == 0 && Unexpected == 0;

    public static ChangeVerdict Match(IReadOnlyCollection<PublishedChange> published, IEnumerable<ObservedChange> observed) =>
        Match(published, observed, static _ => true, out _);

    /// <summary>
    /// The latency of the changes published after <paramref name="warmupEnd"/> inside [<paramref name="from"/>,
    /// <paramref name="to"/>) (ticks), and of the rest: a backtest's window, or <c>--latency-window</c>'s.
    /// </summary>
    public static (LatencySummary Inside, LatencySummary Outside) SplitLatency(
        IReadOnlyCollection<PublishedChange> published, IReadOnlyCollection<ObservedChange> observed, long warmupEnd, long from, long to)
    {
        Match(published, observed, c => c.PublishedAtTicks >= warmupEnd && c.PublishedAtTicks >= from && c.PublishedAtTicks < to, out var inside);
        Match(published, observed, c => c.PublishedAtTicks >= warmupEnd && (c.PublishedAtTicks < from || c.PublishedAtTicks >= to), out var outside);
        return (LatencySummary.Of(inside), LatencySummary.Of(outside));
    }

    /// <summary>
    /// Also returns the latency (observed - published, ms) of the first sighting of every change for which
    /// <paramref name="timed"/> is true.
    /// </summary>
    public static ChangeVerdict Match(IReadOnlyCollection<PublishedChange> published, IEnumerable<ObservedChange> observed,
        Func<PublishedChange, bool> timed, out List<double> latenciesMs)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(observed);
        var expected = new Dictionary<(int, long, ChangeKind), (PublishedChange Change, int Seen)>(published.Count);
        foreach (var change in published)
        {
            expected[(change.Asset, change.ReadingTs, change.Kind)] = (change, 0);
        }

        latenciesMs = [];
        long seen = 0, duplicates = 0, unexpected = 0;
        foreach (var sighting in observed)
        {
            var key = (sighting.Asset, sighting.ReadingTs, sighting.Kind);
            if (!expected.TryGetValue(key, out var entry))
            {
                unexpected++;
                continue;
            }

            if (entry.Seen > 0)
            {
                duplicates++;
            }
            else
            {
                seen++;
                if (sighting.ObservedAtTicks > 0 && timed(entry.Change))
                {
                    latenciesMs.Add(TimeSpan.FromTicks(sighting.ObservedAtTicks - entry.Change.PublishedAtTicks).TotalMilliseconds);
                }
            }

            expected[key] = (entry.Change, entry.Seen + 1);
        }

        return new ChangeVerdict(expected.Count, seen, expected.Count - seen, duplicates, unexpected);
    }
}

/// <summary>
/// Published changes missing by their exact reading, looked for one step later. After a silo is killed, a reading that
/// changes an alert can wait in the dead silo's broker session while newer readings of the same asset are evaluated
/// by a survivor (decision 0029): the change is then made by a later reading in the same state, a sighting of the same
/// asset and kind whose reading lies after the published one and before the asset's next published change. Such a
/// change is shifted, not lost; one with no such sighting is lost.
/// </summary>
public sealed record ShiftedVerdict(long MissingExactly, long Shifted, long Lost)
{
    public static ShiftedVerdict Match(IReadOnlyCollection<PublishedChange> published, IReadOnlyCollection<ObservedChange> observed)
    {
        var sightings = FirstSightings(published, observed);
        var missing = sightings.Values.LongCount(s => s is not { Shifted: false });
        var shifted = sightings.Values.LongCount(s => s is { Shifted: true });
        return new ShiftedVerdict(missing, shifted, missing - shifted);
    }

    /// <summary>For every published change, when it was first seen (UTC ticks) and whether by a later reading; null if lost.</summary>
    public static Dictionary<PublishedChange, (long At, bool Shifted)?> FirstSightings(
        IReadOnlyCollection<PublishedChange> published, IReadOnlyCollection<ObservedChange> observed)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(observed);
        var byAsset = observed.GroupBy(o => (o.Asset, o.Kind)).ToDictionary(g => g.Key, g => g.ToArray());
        var result = new Dictionary<PublishedChange, (long At, bool Shifted)?>(published.Count);
        foreach (var asset in published.GroupBy(p => p.Asset))
        {
            var changes = asset.OrderBy(p => p.ReadingTs).ToArray();
            for (var i = 0; i < changes.Length; i++)
            {
                var change = changes[i];
                var next = i + 1 < changes.Length ? changes[i + 1].ReadingTs : long.MaxValue;
                var seen = byAsset.TryGetValue((change.Asset, change.Kind), out var all) ? all : [];
                var exact = seen.Where(o => o.ReadingTs == change.ReadingTs).Select(o => o.ObservedAtTicks).DefaultIfEmpty(-1).Min();
                var later = seen.Where(o => o.ReadingTs > change.ReadingTs && o.ReadingTs < next).Select(o => o.ObservedAtTicks).DefaultIfEmpty(-1).Min();
                result[change] = exact >= 0 ? (exact, false) : later >= 0 ? (later, true) : null;
            }
        }

        return result;
    }
}

/// <summary>The small sums of a deployed run's report.</summary>
public static class VerdictArithmetic
{
    /// <summary>CPU seconds per 1,000 readings published; NaN when nothing was published.</summary>
    public static double CpuSecondsPer1000(double cpuSeconds, long readings) =>
        readings <= 0 ? double.NaN : Math.Round(cpuSeconds / (readings / 1000.0), 4);

    /// <summary>Readings lost: published and not counted in InfluxDB (never negative: a publish that failed but arrived is not a loss).</summary>
    public static long ReadingsLost(long published, long stored) => Math.Max(0, published - stored);

    /// <summary>Whether a change's publish fell inside a fault window [start, start + length).</summary>
    public static bool Within(long publishedAtTicks, long windowStartTicks, TimeSpan length) =>
        publishedAtTicks >= windowStartTicks && publishedAtTicks < windowStartTicks + length.Ticks;
}
