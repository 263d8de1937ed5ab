namespace RiskMonitor.Domain.Rules;

/// <summary>
/// Rate of change of one metric over its newest <see cref="WindowSamples"/> samples, in the metric's unit per minute,
/// judged by a ladder like a threshold (levels, dead-band, confirm times): <c>above</c> for a rise, <c>below</c> with
/// negative levels for a fall.
/// </summary>
public sealed record RateOfChangeRuleDefinition(string RuleId, string Metric, int WindowSamples, ThresholdLadder Ladder, string? Description = null)
{
    /// <summary>The metric, pooled (<see cref="MetricNames"/>).</summary>
    public string Metric { get; init; } = MetricNames.Shared(Metric);

    /// <summary>A rate is judged on a full window only (decision 0033): fewer samples say more about noise than about a trend.</summary>
    public int MinSamples => WindowSamples;
}

/// <summary>
/// Time to threshold from a robust trend over the newest <see cref="WindowSamples"/> samples (decision 0033): raises
/// <see cref="Level"/> while the fitted trend reaches <see cref="Threshold"/> within <see cref="Lead"/> and at least
/// <see cref="MinAgreement"/> of the window's pair slopes agree on its direction.
/// </summary>
public sealed record ForecastRuleDefinition(
    string RuleId,
    string Metric,
    ThresholdDirection Direction,
    double Threshold,
    int WindowSamples,
    TimeSpan Lead,
    WarningLevel Level,
    double MinAgreement = ForecastRuleDefinition.DefaultMinAgreement,
    string? Description = null)
{
    public const double DefaultMinAgreement = 0.8;

    /// <summary>The metric, pooled (<see cref="MetricNames"/>).</summary>
    public string Metric { get; init; } = MetricNames.Shared(Metric);

    /// <summary>Once raised, the warning holds until the forecast is beyond this many lead times (hysteresis).</summary>
    public const double ClearLeadFactor = 1.5;

    /// <summary>A forecast is made from a full window only, so its sign test always has <see cref="WindowSamples"/>/2 pairs.</summary>
    public int MinSamples => WindowSamples;
}

public enum CompoundOperator
{
    /// <summary>Every condition holds.</summary>
    And,

    /// <summary>At least one condition holds.</summary>
    Or,
}

/// <summary>One condition of a compound rule: the metric beyond a threshold for at least <see cref="Hold"/>.</summary>
/// <param name="ClearRatio">As for a ladder: once held, the condition stays until the value is back beyond this fraction of the threshold.</param>
public sealed record CompoundCondition(string Metric, ThresholdDirection Direction, double Threshold, TimeSpan Hold, double ClearRatio = 1.0)
{
    /// <summary>The metric, pooled (<see cref="MetricNames"/>).</summary>
    public string Metric { get; init; } = MetricNames.Shared(Metric);

    public double ClearPoint => Direction == ThresholdDirection.Above
        ? Threshold - (Math.Abs(Threshold) * (1 - ClearRatio))
        : Threshold + (Math.Abs(Threshold) * (1 - ClearRatio));
}

/// <summary>Conditions on several metrics of one asset, combined with <see cref="Operator"/>; raises <see cref="Level"/>.</summary>
public sealed record CompoundRuleDefinition(
    string RuleId, CompoundOperator Operator, IReadOnlyList<CompoundCondition> Conditions, WarningLevel Level, string? Description = null);

/// <summary>
/// Judges the sensor behind one metric. Each fault is its own alert (<see cref="FaultRuleId"/>): <c>impossible</c>
/// (outside the physical range), <c>stuck</c> (no change beyond <see cref="StuckTolerance"/> for <see cref="StuckAfter"/>)
/// and <c>spike</c> (at least <see cref="SpikeCount"/> of the last <see cref="SpikeWindowSamples"/> samples jumped more
/// than <see cref="SpikeDelta"/> from the median of the five before). Every part is optional.
/// </summary>
/// <param name="HoldBackProcessAlarms">
/// While a fault is active, the metric's process alarms are not raised or upgraded; the sensor's alert records each one
/// held back and its level, and they are raised when the sensor is judged sound again.
/// </param>
public sealed record SensorHealthRuleDefinition(
    string RuleId,
    string Metric,
    WarningLevel Level,
    double? Min = null,
    double? Max = null,
    TimeSpan? StuckAfter = null,
    double StuckTolerance = 0,
    double? SpikeDelta = null,
    int SpikeCount = SensorHealthRuleDefinition.DefaultSpikeCount,
    int SpikeWindowSamples = SensorHealthRuleDefinition.DefaultSpikeWindowSamples,
    bool HoldBackProcessAlarms = false,
    string? Description = null)
{
    public const int DefaultSpikeCount = 3;
    public const int DefaultSpikeWindowSamples = 20;

    /// <summary>The spike history is one 64-bit mask per sensor.</summary>
    public const int MaxSpikeWindowSamples = 64;

    /// <summary>The metric, pooled (<see cref="MetricNames"/>).</summary>
    public string Metric { get; init; } = MetricNames.Shared(Metric);

    public string FaultRuleId(SensorFault fault) => fault switch
    {
        SensorFault.Impossible => RuleId + ".impossible",
        SensorFault.Stuck => RuleId + ".stuck",
        SensorFault.Spike => RuleId + ".spike",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    public bool IsPossible(double value) => (Min is not { } min || value >= min) && (Max is not { } max || value <= max);
}

public enum SensorFault
{
    Impossible,
    Stuck,
    Spike,
}
