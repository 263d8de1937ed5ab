namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one threshold rule on one asset. Pure: time arrives with each sample, so a test can replay
/// any timeline and a grain can restore it from a snapshot.
/// </summary>
public sealed class ThresholdRule
{
    private const int LevelCount = 5;

    // For each level, since when the raw value has met that level's raise threshold without a break. A level is
    // confirmed once it has held for its confirm time, so a rise through yellow into orange confirms yellow on
    // yellow's clock rather than restarting the count when orange is crossed.
    private readonly DateTimeOffset?[] _heldSince = new DateTimeOffset?[LevelCount];

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
            if (level > raw)
            {
                _heldSince[(int)level] = null;
                continue;
            }

            var since = _heldSince[(int)level] ??= sampledAt;
            if (ladder.ThresholdOf(level) is not null && sampledAt - since >= ladder.ConfirmTime(level))
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

    public ThresholdRuleSnapshot Snapshot() => new(Confirmed, LastSampleAt, LastValue, [.. _heldSince]);

    public void Restore(ThresholdRuleSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Confirmed = snapshot.Confirmed;
        LastSampleAt = snapshot.LastSampleAt;
        LastValue = snapshot.LastValue;
        for (var i = 0; i < LevelCount && i < snapshot.HeldSince.Count; i++)
        {
            _heldSince[i] = snapshot.HeldSince[i];
        }
    }
}

/// <summary>What a <see cref="ThresholdRule"/> needs to resume after a restart.</summary>
public sealed record ThresholdRuleSnapshot(
    WarningLevel Confirmed, DateTimeOffset? LastSampleAt, double? LastValue, IReadOnlyList<DateTimeOffset?> HeldSince);
