namespace RiskMonitor.Domain.Rules;

public enum ThresholdDirection
{
    /// <summary>Worse as the value rises (gas concentration, pressure too high).</summary>
    Above,

    /// <summary>Worse as the value falls (pressure too low, tank level too low).</summary>
    Below,
}

/// <summary>
/// Per-level thresholds of one metric with a dead-band and a confirm time per level. Levels without a threshold
/// are skipped, so a ladder may define only yellow and red.
/// </summary>
public sealed class ThresholdLadder
{
    private const int LevelCount = 5; // indexed by (int)WarningLevel; slot 0 (None) is unused
    private readonly double?[] _raise = new double?[LevelCount];
    private readonly double[] _clear = new double[LevelCount];
    private readonly TimeSpan[] _confirm = new TimeSpan[LevelCount];

    /// <param name="direction">Whether a higher or a lower value is worse.</param>
    /// <param name="thresholds">The value at which each level is reached. They must worsen monotonically.</param>
    /// <param name="clearRatio">
    /// A level clears once the value is back beyond this fraction of its threshold (0.9: an "above" level set at 10
    /// clears below 9). Expressed as a dead-band of |threshold| x (1 - ratio), so "below" ladders mirror it.
    /// </param>
    /// <param name="confirmTimes">How long a level must hold before it is raised; a missing level raises at once.</param>
    public ThresholdLadder(
        ThresholdDirection direction,
        IReadOnlyDictionary<WarningLevel, double> thresholds,
        double clearRatio,
        IReadOnlyDictionary<WarningLevel, TimeSpan> confirmTimes)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(confirmTimes);
        if (thresholds.Count == 0)
        {
            throw new ArgumentException("A ladder needs at least one threshold.", nameof(thresholds));
        }

        if (clearRatio is <= 0 or > 1 || !double.IsFinite(clearRatio))
        {
            throw new ArgumentOutOfRangeException(nameof(clearRatio), clearRatio, "The clear ratio must be in (0, 1].");
        }

        Direction = direction;
        ClearRatio = clearRatio;
        double? previous = null;
        for (var level = WarningLevel.Blue; level <= WarningLevel.Red; level++)
        {
            if (!thresholds.TryGetValue(level, out var threshold))
            {
                continue;
            }

            if (!double.IsFinite(threshold))
            {
                throw new ArgumentException($"The {level} threshold must be a finite number.", nameof(thresholds));
            }

            if (previous is { } p && !IsWorse(threshold, p))
            {
                throw new ArgumentException(
                    $"The {level} threshold {threshold} must be {(direction == ThresholdDirection.Above ? "above" : "below")} the level below it ({p}).",
                    nameof(thresholds));
            }

            var band = Math.Abs(threshold) * (1 - clearRatio);
            _raise[(int)level] = threshold;
            _clear[(int)level] = direction == ThresholdDirection.Above ? threshold - band : threshold + band;
            _confirm[(int)level] = confirmTimes.TryGetValue(level, out var hold) ? hold : TimeSpan.Zero;
            previous = threshold;
        }
    }

    public ThresholdDirection Direction { get; }

    public double ClearRatio { get; }

    public double? ThresholdOf(WarningLevel level) => level == WarningLevel.None ? null : _raise[(int)level];

    /// <summary>Where a confirmed level clears: past this point (below it for an upper limit) the level is gone.</summary>
    public double? ClearPointOf(WarningLevel level) => level == WarningLevel.None ? null : _clear[(int)level];

    /// <summary>True when the value meets the level's raise threshold itself, not only its dead-band.</summary>
    public bool MeetsThreshold(double value, WarningLevel level) => _raise[(int)level] is { } t && Meets(value, t);

    public TimeSpan ConfirmTime(WarningLevel level) => level == WarningLevel.None ? TimeSpan.Zero : _confirm[(int)level];

    /// <summary>The highest level whose raise threshold the value meets, ignoring the dead-band.</summary>
    public WarningLevel RawLevelFor(double value)
    {
        for (var level = WarningLevel.Red; level >= WarningLevel.Blue; level--)
        {
            if (_raise[(int)level] is { } t && Meets(value, t))
            {
                return level;
            }
        }

        return WarningLevel.None;
    }

    /// <summary>
    /// The level the value supports given the level already confirmed: levels at or below the confirmed one hold
    /// until the value passes their clear point, levels above it need their raise threshold.
    /// </summary>
    public WarningLevel LevelFor(double value, WarningLevel confirmed)
    {
        for (var level = WarningLevel.Red; level >= WarningLevel.Blue; level--)
        {
            if (_raise[(int)level] is not { } raise)
            {
                continue;
            }

            var needed = level <= confirmed ? _clear[(int)level] : raise;
            if (Meets(value, needed))
            {
                return level;
            }
        }

        return WarningLevel.None;
    }

    private bool Meets(double value, double threshold) =>
        Direction == ThresholdDirection.Above ? value >= threshold : value <= threshold;

    private bool IsWorse(double candidate, double than) =>
        Direction == ThresholdDirection.Above ? candidate > than : candidate < than;
}
