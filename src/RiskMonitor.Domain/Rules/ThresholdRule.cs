using System.Runtime.CompilerServices;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one threshold rule on one asset. Pure: time arrives with each sample, so a test can replay
/// any timeline and a grain can restore it from a snapshot.
/// </summary>
public sealed class ThresholdRule
{
    private const int LevelCount = 5;

    // For each level, since when (UTC ticks, 0 = not held) the raw value has met that level's raise threshold
    // without a break. A level is confirmed once it has held for its confirm time, so a rise through yellow into
    // orange confirms yellow on yellow's clock rather than restarting the count when orange is crossed.
    // Ticks inline rather than a DateTimeOffset?[]: one of these lives per rule per active asset, and the array
    // cost 150 bytes each (issue 5: heap per active asset).
    private HeldClocks _heldSince;

    // SteadySince and the stretch that already reported a missed spike, as UTC ticks (0 = none), for the same reason.
    private long _steadySince;
    private long _spikeReportedIn;

    // The newest sample's UTC ticks (0 = none) and value (NaN = none; only finite values are evaluated): a nullable
    // DateTimeOffset and a nullable double took 40 B where these take 16, in four rules per active asset (issue 22).
    private long _lastSampleTicks;
    private double _lastValue = double.NaN;

    public ThresholdRule(ThresholdRuleDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    public ThresholdRuleDefinition Definition { get; }

    public WarningLevel Confirmed { get; private set; }

    /// <summary>The time of the newest sample evaluated; older or equal samples are ignored (out of order, duplicates).</summary>
    public DateTimeOffset? LastSampleAt
    {
        get => _lastSampleTicks == 0 ? null : new DateTimeOffset(_lastSampleTicks, TimeSpan.Zero);
        private set => _lastSampleTicks = value?.UtcTicks ?? 0;
    }

    public double? LastValue
    {
        get => double.IsNaN(_lastValue) ? null : _lastValue;
        private set => _lastValue = value ?? double.NaN;
    }

    /// <summary>
    /// The reading time from which <see cref="Confirmed"/> is known to have held: the sample that last changed it, or the
    /// first sample evaluated. Null when unknown (restored from a snapshot written before it was kept).
    /// </summary>
    public DateTimeOffset? SteadySince => _steadySince == 0 ? null : new DateTimeOffset(_steadySince, TimeSpan.Zero);

    /// <summary>
    /// A late sample (older than the newest evaluated) leaves the rule as it is (decision 0005), but it can show what the
    /// newer samples did not: a level confirmed at once (no confirm time; red by default) above the level the rule has
    /// held since before the sample. Evaluated in order, that sample would have raised the level and the next one
    /// brought it back, so the caller raises and clears it now (decision 0040a). Returns that level, or None: for a
    /// sample that is not late, shows nothing higher, predates <see cref="SteadySince"/> (what the rule held then is not
    /// known), or falls in a stretch that already reported one (its samples are one episode, not several). A level
    /// returned is taken: the stretch is marked as reported.
    /// </summary>
    public WarningLevel TakeMissedSpike(double value, DateTimeOffset sampledAt)
    {
        if (!double.IsFinite(value) || _lastSampleTicks == 0 || sampledAt.UtcTicks >= _lastSampleTicks
            || _steadySince == 0 || sampledAt.UtcTicks <= _steadySince || _spikeReportedIn == _steadySince)
        {
            return WarningLevel.None;
        }

        var ladder = Definition.Ladder;
        for (var level = ladder.RawLevelFor(value); level > Confirmed; level--)
        {
            if (ladder.ThresholdOf(level) is not null && ladder.ConfirmTime(level) == TimeSpan.Zero)
            {
                _spikeReportedIn = _steadySince;
                return level;
            }
        }

        return WarningLevel.None;
    }

    /// <summary>
    /// Takes the level the rule's alert shows in the system of record after a restore, when the rule's own memory says
    /// otherwise (the alert change was journalled on a node that died before it reached PostgreSQL, decision 0040a):
    /// the next sample then raises or clears the alert again instead of the rule believing it already did. What the rule
    /// held since is then unknown.
    /// </summary>
    public void TakeLevel(WarningLevel level)
    {
        if (level != Confirmed)
        {
            Confirmed = level;
            _steadySince = 0;
        }
    }

    /// <summary>Evaluates one sample and returns the confirmed level after it.</summary>
    public WarningLevel Evaluate(double value, DateTimeOffset sampledAt)
    {
        // A late or repeated sample says nothing new about "now": evaluating it would rewind the confirm clocks.
        // It is still stored by the caller; only the rule ignores it.
        if (!double.IsFinite(value) || (_lastSampleTicks != 0 && sampledAt.UtcTicks <= _lastSampleTicks))
        {
            return Confirmed;
        }

        _lastSampleTicks = sampledAt.UtcTicks;
        _lastValue = value;
        if (_steadySince == 0)
        {
            _steadySince = sampledAt.UtcTicks;
        }

        var ladder = Definition.Ladder;

        var raw = ladder.RawLevelFor(value);
        var risen = WarningLevel.None;
        for (var level = WarningLevel.Blue; level <= WarningLevel.Red; level++)
        {
            ref var since = ref _heldSince[(int)level];
            if (level > raw)
            {
                since = 0;
                continue;
            }

            if (since == 0)
            {
                since = sampledAt.UtcTicks;
            }

            if (ladder.ThresholdOf(level) is not null && sampledAt.UtcTicks - since >= ladder.ConfirmTime(level).Ticks)
            {
                risen = level;
            }
        }

        // The dead-band decides how far a level falls; a fall takes effect at once, since the value has already
        // crossed back past the clear point that hysteresis puts below the threshold.
        var held = ladder.LevelFor(value, Confirmed);
        var next = held < Confirmed ? held : Confirmed;
        next = risen > next ? risen : next;
        if (next != Confirmed)
        {
            _steadySince = sampledAt.UtcTicks;
        }

        Confirmed = next;
        return Confirmed;
    }

    public ThresholdRuleSnapshot Snapshot()
    {
        var held = new DateTimeOffset?[LevelCount];
        for (var i = 0; i < LevelCount; i++)
        {
            held[i] = _heldSince[i] == 0 ? null : new DateTimeOffset(_heldSince[i], TimeSpan.Zero);
        }

        return new ThresholdRuleSnapshot(Confirmed, LastSampleAt, LastValue, held)
        {
            SteadySince = SteadySince,
            SpikeReportedIn = _spikeReportedIn == 0 ? null : new DateTimeOffset(_spikeReportedIn, TimeSpan.Zero),
        };
    }

    public void Restore(ThresholdRuleSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Confirmed = snapshot.Confirmed;
        LastSampleAt = snapshot.LastSampleAt;
        LastValue = snapshot.LastValue;
        _steadySince = snapshot.SteadySince?.UtcTicks ?? 0;
        _spikeReportedIn = snapshot.SpikeReportedIn?.UtcTicks ?? 0;
        for (var i = 0; i < LevelCount && i < snapshot.HeldSince.Count; i++)
        {
            _heldSince[i] = snapshot.HeldSince[i]?.UtcTicks ?? 0;
        }
    }
}

[InlineArray(5)]
internal struct HeldClocks
{
    private long _ticks;
}

/// <summary>What a <see cref="ThresholdRule"/> needs to resume after a restart.</summary>
public sealed record ThresholdRuleSnapshot(
    WarningLevel Confirmed, DateTimeOffset? LastSampleAt, double? LastValue, IReadOnlyList<DateTimeOffset?> HeldSince)
{
    /// <summary><see cref="ThresholdRule.SteadySince"/>; null in snapshots written before it was kept.</summary>
    public DateTimeOffset? SteadySince { get; init; }

    /// <summary>The stretch in which a missed spike was reported.</summary>
    public DateTimeOffset? SpikeReportedIn { get; init; }
}
