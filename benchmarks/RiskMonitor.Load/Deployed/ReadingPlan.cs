namespace RiskMonitor.Load.Deployed;

/// <summary>What a reading did to its asset's red methane alert, as the publisher intended it.</summary>
public enum ChangeKind
{
    Raise,
    Clear,
}

/// <summary>
/// Which readings flip <c>ch4_lel</c> between normal and red (<c>--flip-ratio</c>): a ratio of 0.05 flips every 20th
/// reading of each asset. Each asset starts at its own phase, so flips are spread evenly over time instead of every
/// asset flipping in the same round (that is what <see cref="StormSchedule"/> is for).
/// </summary>
public sealed class FlipSchedule
{
    public FlipSchedule(double ratio)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratio);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratio, 1);
        Period = ratio == 0 ? 0 : Math.Max(1, (long)Math.Round(1 / ratio));
    }

    /// <summary>Readings of one asset from one flip to the next; 0 = never.</summary>
    public long Period { get; }

    /// <summary>Whether the <paramref name="reading"/>-th reading (from 0) of <paramref name="asset"/> flips.</summary>
    public bool IsFlip(int asset, long reading) => Period > 0 && (reading + asset) % Period == Period - 1;
}

/// <summary>
/// An aligned storm (<c>--storm N</c>): assets 0..N-1 all go red at <see cref="At"/> (one extra red reading each,
/// published at once) and clear <see cref="ClearAfter"/> later (one normal reading each). Between the two, their
/// background readings stay red, so the storm is exactly one raise and one clear per asset. Storm assets never flip.
/// </summary>
public sealed record StormSchedule(int Assets, TimeSpan At, TimeSpan ClearAfter)
{
    public static StormSchedule None { get; } = new(0, TimeSpan.Zero, TimeSpan.Zero);

    public bool Enabled => Assets > 0;

    public TimeSpan ClearAt => At + ClearAfter;

    public bool Covers(int asset) => asset < Assets;

    /// <summary>The storm assets a connection owns (connection c owns assets c, c + C, ...; see the publisher).</summary>
    public IEnumerable<int> OwnedBy(int connection, int connections)
    {
        for (var asset = connection; asset < Assets; asset += connections)
        {
            yield return asset;
        }
    }
}

/// <summary>
/// The methane value of every reading and the alert change it causes, per asset. Only the connection owning an asset
/// touches its slots, so the arrays need no lock.
/// </summary>
public sealed class ReadingPlan
{
    public const double RedLel = 60;
    public const double NormalLel = 1;

    private readonly FlipSchedule _flips;
    private readonly StormSchedule _storm;
    private readonly long[] _readings;
    private readonly bool[] _red;
    private readonly long[] _lastTs;

    public ReadingPlan(int assets, FlipSchedule flips, StormSchedule storm)
    {
        _flips = flips;
        _storm = storm;
        _readings = new long[assets];
        _red = new bool[assets];
        _lastTs = new long[assets];
    }

    /// <summary>A background reading of <paramref name="asset"/>: its value, and the change it makes if it flips.</summary>
    public (double Lel, ChangeKind? Change) Next(int asset)
    {
        var reading = _readings[asset]++;
        if (!_storm.Covers(asset) && _flips.IsFlip(asset, reading))
        {
            _red[asset] = !_red[asset];
            return (_red[asset] ? RedLel : NormalLel, _red[asset] ? ChangeKind.Raise : ChangeKind.Clear);
        }

        return (_red[asset] ? RedLel : NormalLel, null);
    }

    /// <summary>A storm reading: red at the storm's start, normal at its end; a change only if the state moves.</summary>
    public (double Lel, ChangeKind? Change) Storm(int asset, bool red)
    {
        _readings[asset]++;
        var changed = _red[asset] != red;
        _red[asset] = red;
        return (red ? RedLel : NormalLel, changed ? (red ? ChangeKind.Raise : ChangeKind.Clear) : null);
    }

    /// <summary>
    /// The reading's <c>ts</c> (Unix ms): its publish time, but unique and rising per asset, so an alert's
    /// <c>readingTime</c> names the one reading that changed it.
    /// </summary>
    public long NextTs(int asset, long nowUnixMs)
    {
        var ts = Math.Max(nowUnixMs, _lastTs[asset] + 1);
        _lastTs[asset] = ts;
        return ts;
    }
}
