using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one predictive rule: after each sample, fits its metric's window (<see cref="RobustTrend"/>) and
/// forecasts when the trend reaches the threshold. Warns while that is within the lead time and the trend is clear
/// (enough pair slopes agree); once warned, holds until the forecast moves past 1.5 lead times or the trend goes.
/// </summary>
public sealed class ForecastRule
{
    private readonly SampleWindow _window;

    public ForecastRule(ForecastRuleDefinition definition, SampleWindow window)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _window = window ?? throw new ArgumentNullException(nameof(window));
        if (window.Capacity < definition.WindowSamples)
        {
            throw new ArgumentException($"The window of {window.Capacity} samples is shorter than the rule's {definition.WindowSamples}.", nameof(window));
        }
    }

    public ForecastRuleDefinition Definition { get; }

    public WarningLevel Level { get; private set; }

    public TrendFit LastFit { get; private set; }

    /// <summary>Seconds from the newest sample until the trend reaches the threshold: 0 when already there, null when it is not heading there.</summary>
    public double? SecondsToThreshold { get; private set; }

    public WarningLevel Evaluate(DateTimeOffset sampledAt)
    {
        if (!_window.TryFit(Definition.WindowSamples, Definition.MinSamples, out var fit))
        {
            return Level;
        }

        LastFit = fit;
        SecondsToThreshold = Forecast(Definition, fit);
        var lead = Definition.Lead.TotalSeconds;
        var limit = Level == WarningLevel.None ? lead : lead * ForecastRuleDefinition.ClearLeadFactor;
        var clear = fit.Agreement >= Definition.MinAgreement;
        Level = clear && SecondsToThreshold is { } seconds && seconds <= limit ? Definition.Level : WarningLevel.None;
        return Level;
    }

    /// <summary>Seconds until <paramref name="fit"/> reaches the rule's threshold; null if it moves away or stays flat.</summary>
    public static double? Forecast(ForecastRuleDefinition definition, TrendFit fit)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var above = definition.Direction == ThresholdDirection.Above;
        var gap = above ? definition.Threshold - fit.LevelNow : fit.LevelNow - definition.Threshold;
        var approach = above ? fit.SlopePerSecond : -fit.SlopePerSecond;
        if (approach <= 0)
        {
            return null;
        }

        return gap <= 0 ? 0 : gap / approach;
    }

    public void Restore(WarningLevel level) => Level = level;

    public Dictionary<string, double> Details()
    {
        var details = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["threshold"] = Definition.Threshold,
            ["leadSeconds"] = Definition.Lead.TotalSeconds,
            ["slopePerMinute"] = LastFit.SlopePerSecond * 60,
            ["levelNow"] = LastFit.LevelNow,
            ["agreement"] = LastFit.Agreement,
            ["windowSamples"] = LastFit.Samples,
            ["windowSeconds"] = LastFit.SpanSeconds,
            ["residualSpread"] = _window.ResidualSpread(LastFit.Samples, LastFit),
        };
        if (SecondsToThreshold is { } seconds)
        {
            details["secondsToThreshold"] = seconds;
        }

        return details;
    }
}
