using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one rate-of-change rule: the robust slope of its metric's window (<see cref="RobustTrend"/>), per
/// minute, fed to a <see cref="ThresholdRule"/> so a rate has the same dead-band and confirm times as a level.
/// </summary>
public sealed class RateOfChangeRule
{
    private readonly SampleWindow _window;
    private readonly ThresholdRule _rate;

    public RateOfChangeRule(RateOfChangeRuleDefinition definition, SampleWindow window)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _window = window ?? throw new ArgumentNullException(nameof(window));
        if (window.Capacity < definition.WindowSamples)
        {
            throw new ArgumentException($"The window of {window.Capacity} samples is shorter than the rule's {definition.WindowSamples}.", nameof(window));
        }

        _rate = new ThresholdRule(new ThresholdRuleDefinition(definition.RuleId, definition.Metric, definition.Ladder, definition.Description));
    }

    public RateOfChangeRuleDefinition Definition { get; }

    public WarningLevel Confirmed => _rate.Confirmed;

    /// <summary>The fit behind the newest rate, for the alert's details.</summary>
    public TrendFit LastFit { get; private set; }

    public double RatePerMinute => LastFit.SlopePerSecond * 60;

    /// <summary>Judges the window after its newest sample (taken at <paramref name="sampledAt"/>) was added.</summary>
    public WarningLevel Evaluate(DateTimeOffset sampledAt)
    {
        if (!_window.TryFit(Definition.WindowSamples, Definition.MinSamples, out var fit))
        {
            return _rate.Confirmed; // too few samples to say anything yet: keep what was judged before
        }

        LastFit = fit;
        return _rate.Evaluate(RatePerMinute, sampledAt);
    }

    /// <summary>After a restart the window starts empty; the level comes back from the rule's alert.</summary>
    public void Restore(WarningLevel level) =>
        _rate.Restore(new ThresholdRuleSnapshot(level, null, null, []));

    public Dictionary<string, double> Details() => new(StringComparer.Ordinal)
    {
        ["ratePerMinute"] = RatePerMinute,
        ["windowSamples"] = LastFit.Samples,
        ["windowSeconds"] = LastFit.SpanSeconds,
        ["agreement"] = LastFit.Agreement,
    };
}
