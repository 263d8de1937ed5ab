using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Domain.Rules;

/// <summary>A threshold rule on one metric, e.g. <c>ch4_lel.high</c> on <c>ch4_lel</c>.</summary>
public sealed record ThresholdRuleDefinition(string RuleId, string Metric, ThresholdLadder Ladder, string? Description = null)
{
    /// <summary>The metric, pooled (<see cref="MetricNames"/>).</summary>
    public string Metric { get; init; } = MetricNames.Shared(Metric);
}

/// <summary>
/// How a discrete device event maps to a warning level (DESIGN.md §4), with an optional response deadline
/// (entrapment: rescuers on site within 30 min).
/// </summary>
public sealed record EventMapping(string Code, WarningLevel Level, TimeSpan? ResponseDeadline = null, string? Description = null)
{
    /// <summary>Each event code is its own rule, so an entrapment and a power loss are two alerts, not one.</summary>
    public string RuleId => RuleIdOf(Code);

    public static string RuleIdOf(string code) => "event." + code;
}

/// <summary>No data for <see cref="Intervals"/> reporting intervals raises an "offline" alert at <see cref="Level"/>.</summary>
public sealed record OfflineRuleDefinition(TimeSpan ReportingInterval, int Intervals, WarningLevel Level)
{
    public const string RuleIdValue = "offline";

    public TimeSpan Timeout => ReportingInterval * Intervals;
}

/// <summary>Every rule that applies to one asset: its kind's defaults merged with the asset's overrides.</summary>
public sealed record RuleSet(
    string Kind,
    IReadOnlyList<ThresholdRuleDefinition> Thresholds,
    IReadOnlyDictionary<string, EventMapping> Events,
    OfflineRuleDefinition Offline)
{
    /// <summary>Rate-of-change rules (issue 22): a ladder on the metric's robust slope over a window.</summary>
    public IReadOnlyList<RateOfChangeRuleDefinition> RatesOfChange { get; init; } = [];

    /// <summary>Predictive rules (issue 22): a warning when a threshold is forecast within a lead time.</summary>
    public IReadOnlyList<ForecastRuleDefinition> Forecasts { get; init; } = [];

    /// <summary>Compound rules (issue 22): AND / OR of conditions on several metrics of the asset.</summary>
    public IReadOnlyList<CompoundRuleDefinition> Compounds { get; init; } = [];

    /// <summary>Sensor health per metric (issue 22): stuck, impossible and spiking sensors.</summary>
    public IReadOnlyList<SensorHealthRuleDefinition> SensorHealth { get; init; } = [];

    /// <summary>The detector groups the asset is a member of (issue 22, decision 0050): k-of-n corroboration and drift.</summary>
    public IReadOnlyList<DetectorGroupDefinition> Groups { get; init; } = [];
}
