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

    public ThresholdRule(ThresholdRuleDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    public ThresholdRuleDefinition Definition { get; }

    public WarningLevel Confirmed { get; private set; }

    /// <summary>The time of the newest sample evaluated; older or equal samples are ignored (out of order, duplicates).</summary>
    public DateTimeOffset? LastSampleAt { get; private set; }

    public double? LastValue { get; private set; }

    /// <summary>Evaluates one sample and returns the confirmed level after it.</summary>
    public WarningLevel Evaluate(double value, DateTimeOffset sampledAt)
    {
        // A late or repeated sample says nothing new about "now": evaluating it would rewind the confirm clocks.
        // It is still stored by the caller; only the rule ignores it.
        if (!double.IsFinite(value) || (LastSampleAt is { } last && sampledAt <= last))
        {
            return Confirmed;
        }

        LastSampleAt = sampledAt;
        LastValue = value;
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
        Confirmed = risen > next ? risen : next;
        return Confirmed;
    }

    public ThresholdRuleSnapshot Snapshot()
    {
        var held = new DateTimeOffset?[LevelCount];
        for (var i = 0; i < LevelCount; i++)
        {
            held[i] = _heldSince[i] == 0 ? null : new DateTimeOffset(_heldSince[i], TimeSpan.Zero);
        }

        return new ThresholdRuleSnapshot(Confirmed, LastSampleAt, LastValue, held);
    }

    public void Restore(ThresholdRuleSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Confirmed = snapshot.Confirmed;
        LastSampleAt = snapshot.LastSampleAt;
        LastValue = snapshot.LastValue;
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
    WarningLevel Confirmed, DateTimeOffset? LastSampleAt, double? LastValue, IReadOnlyList<DateTimeOffset?> HeldSince);
