using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one predictive rule: after each sample, the robust trend of its metric's window
/// (<see cref="PairSlopes"/>) and when it reaches the threshold. Warns while that is within the lead time and the trend
/// is clear (enough pair slopes agree); once warned, holds until the forecast moves past 1.5 lead times or the trend
/// goes. The fitted level (a selection over the window) is only computed while the trend heads for the threshold, so a
/// steady reading costs a sorted-set update and nothing more.
/// </summary>
public sealed class ForecastRule
{
    private readonly SampleWindow _window;
    private readonly PairSlopes _slopes;

    public ForecastRule(ForecastRuleDefinition definition, SampleWindow window)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _window = window ?? throw new ArgumentNullException(nameof(window));
        _slopes = new PairSlopes(definition.WindowSamples);
        if (window.Capacity < _slopes.WindowCapacity)
        {
            throw new ArgumentException($"The window of {window.Capacity} samples is too short for the rule's {definition.WindowSamples}.", nameof(window));
        }
    }

    public ForecastRuleDefinition Definition { get; }

    public WarningLevel Level { get; private set; }

    /// <summary>The newest fit; its <see cref="TrendFit.LevelNow"/> is NaN when the trend did not head for the threshold.</summary>
    public TrendFit LastFit { get; private set; }

    /// <summary>Seconds from the newest sample until the trend reaches the threshold: 0 when already there, null when it is not heading there.</summary>
    public double? SecondsToThreshold { get; private set; }

    public WarningLevel Evaluate(DateTimeOffset sampledAt)
    {
        _slopes.Update(_window);
        if (!_slopes.Full)
        {
            return Level; // a forecast is made from a full window only
        }

        var slope = _slopes.Median;
        var agreement = _slopes.Agreement;
        var heading = Definition.Direction == ThresholdDirection.Above ? slope > 0 : slope < 0;
        if (!heading || agreement < Definition.MinAgreement)
        {
            LastFit = new TrendFit(slope, double.NaN, agreement, _slopes.Span, _window.SpanSeconds(_slopes.Span));
            SecondsToThreshold = null;
            Level = WarningLevel.None;
            return Level;
        }

        LastFit = new TrendFit(slope, _window.LevelAt(_slopes.Span, slope), agreement, _slopes.Span, _window.SpanSeconds(_slopes.Span));
        SecondsToThreshold = Forecast(Definition, LastFit);
        var lead = Definition.Lead.TotalSeconds;
        var limit = Level == WarningLevel.None ? lead : lead * ForecastRuleDefinition.ClearLeadFactor;
        Level = SecondsToThreshold is { } seconds && seconds <= limit ? Definition.Level : WarningLevel.None;
        return Level;
    }

    /// <summary>Seconds until <paramref name="fit"/> reaches the rule's threshold; null if it moves away or stays flat.</summary>
    public static double? Forecast(ForecastRuleDefinition definition, TrendFit fit)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var above = definition.Direction == ThresholdDirection.Above;
        var gap = above ? definition.Threshold - fit.LevelNow : fit.LevelNow - definition.Threshold;
        var approach = above ? fit.SlopePerSecond : -fit.SlopePerSecond;
        if (approach <= 0 || double.IsNaN(gap))
        {
            return null;
        }

        return gap <= 0 ? 0 : gap / approach;
    }

    public void Restore(WarningLevel level) => Level = level;

    public Dictionary<string, double> Details()
    {
        var level = double.IsNaN(LastFit.LevelNow) ? _window.LevelAt(_slopes.Span, LastFit.SlopePerSecond) : LastFit.LevelNow;
        var details = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["threshold"] = Definition.Threshold,
            ["leadSeconds"] = Definition.Lead.TotalSeconds,
            ["slopePerMinute"] = LastFit.SlopePerSecond * 60,
            ["levelNow"] = level,
            ["agreement"] = LastFit.Agreement,
            ["windowSamples"] = LastFit.Samples,
            ["windowSeconds"] = LastFit.SpanSeconds,
            ["residualSpread"] = _window.ResidualSpread(LastFit.Samples, LastFit with { LevelNow = level }),
        };
        if (SecondsToThreshold is { } seconds)
        {
            details["secondsToThreshold"] = seconds;
        }

        return details;
    }
}
