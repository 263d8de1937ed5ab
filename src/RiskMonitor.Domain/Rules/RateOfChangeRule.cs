using System.Runtime.CompilerServices;
using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one rate-of-change rule: the robust slope of its metric's window (<see cref="PairSlopes"/>), per
/// minute, fed to a <see cref="ThresholdRule"/> so a rate has the same dead-band and confirm times as a level.
/// </summary>
public sealed class RateOfChangeRule
{
    // The rate's threshold definition, one per rule definition rather than one per asset: every asset of a kind shares
    // its definitions, and a copy each was 48 B per active asset (issue 22: heap per asset <= 4 KB).
    private static readonly ConditionalWeakTable<RateOfChangeRuleDefinition, ThresholdRuleDefinition> RateLadders = new();

    private readonly SampleWindow _window;
    private readonly PairSlopes _slopes;
    private readonly ThresholdRule _rate;

    public RateOfChangeRule(RateOfChangeRuleDefinition definition, SampleWindow window)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _window = window ?? throw new ArgumentNullException(nameof(window));
        _slopes = new PairSlopes(definition.WindowSamples);
        if (window.Capacity < _slopes.WindowCapacity)
        {
            throw new ArgumentException($"The window of {window.Capacity} samples is too short for the rule's {definition.WindowSamples}.", nameof(window));
        }

        _rate = new ThresholdRule(RateLadders.GetValue(definition, d => new ThresholdRuleDefinition(d.RuleId, d.Metric, d.Ladder, d.Description)));
    }

    public RateOfChangeRuleDefinition Definition { get; }

    public WarningLevel Confirmed => _rate.Confirmed;

    public double RatePerMinute { get; private set; }

    /// <summary>Judges the window after its newest sample (taken at <paramref name="sampledAt"/>) was added.</summary>
    public WarningLevel Evaluate(DateTimeOffset sampledAt)
    {
        _slopes.Update(_window);
        if (!_slopes.Full)
        {
            return _rate.Confirmed; // a rate is judged on a full window only: keep what was judged before
        }

        RatePerMinute = _slopes.Median * 60;
        return _rate.Evaluate(RatePerMinute, sampledAt);
    }

    /// <summary>After a restart the window starts empty; the level comes back from the rule's alert.</summary>
    public void Restore(WarningLevel level) =>
        _rate.Restore(new ThresholdRuleSnapshot(level, null, null, []));

    public Dictionary<string, double> Details() => new(StringComparer.Ordinal)
    {
        ["ratePerMinute"] = RatePerMinute,
        ["windowSamples"] = _slopes.Span,
        ["windowSeconds"] = _window.SpanSeconds(_slopes.Span),
        ["agreement"] = _slopes.Agreement,
    };

    /// <summary>For the alert message: samples and seconds the rate was measured over.</summary>
    public (int Samples, double Seconds) Window => (_slopes.Span, _window.SpanSeconds(_slopes.Span));
}
