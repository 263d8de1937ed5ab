using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Storage.Rules;

/// <summary>
/// The issue 22 rule types as the rule file writes them (docs/rules.md), and their checks: every mistake is refused at
/// load with the place in the file and what is wrong, never later inside an asset's activation.
/// </summary>
internal static class TrendRuleFiles
{
    // Defaults and their sources: docs/rules.md and docs/decisions/0033-trend-and-sensor-rules.md.
    public const int DefaultRateWindowSamples = 12;
    public const int DefaultForecastWindowSamples = 60;
    public const double DefaultLeadSeconds = 300;
    public const int MinWindowSamples = 4;

    /// <summary>
    /// The rules of one kind or one asset's overrides, built and checked. <paramref name="knownMetrics"/> are the
    /// metrics the kind measures: a rule on any other is a typo that would never fire, so it is refused.
    /// </summary>
    public static (List<RateOfChangeRuleDefinition> Rates, List<ForecastRuleDefinition> Forecasts, List<CompoundRuleDefinition> Compounds, List<SensorHealthRuleDefinition> Sensors) Build(
        string where,
        IReadOnlySet<string> knownMetrics,
        List<RateRuleFile?>? rates,
        List<ForecastRuleFile?>? forecasts,
        List<CompoundRuleFile?>? compounds,
        List<SensorHealthRuleFile?>? sensors) =>
        ([.. (rates ?? []).Select(r => BuildRate(r, where, knownMetrics))],
         [.. (forecasts ?? []).Select(f => BuildForecast(f, where, knownMetrics))],
         [.. (compounds ?? []).Select(c => BuildCompound(c, where, knownMetrics))],
         [.. (sensors ?? []).Select(s => BuildSensor(s, where, knownMetrics))]);

    /// <summary>Every alert rule id a rule set can raise: rule ids identify alerts, so none may be used twice.</summary>
    public static IEnumerable<string> AlertRuleIds(RuleSet rules) =>
        rules.Thresholds.Select(t => t.RuleId)
            .Concat(rules.RatesOfChange.Select(r => r.RuleId))
            .Concat(rules.Forecasts.Select(f => f.RuleId))
            .Concat(rules.Compounds.Select(c => c.RuleId))
            .Concat(rules.SensorHealth.SelectMany(s => Enum.GetValues<SensorFault>().Select(s.FaultRuleId)));

    public static void RefuseDuplicateIds(RuleSet rules, string where)
    {
        var duplicate = AlertRuleIds(rules).GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"{where}: rule id '{duplicate.Key}' is used twice.");
        }

        var sensorMetric = rules.SensorHealth.GroupBy(s => s.Metric, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sensorMetric is not null)
        {
            throw new ArgumentException($"{where}: metric '{sensorMetric.Key}' has two sensorHealth rules; one sensor, one judgement.");
        }
    }

    private static RateOfChangeRuleDefinition BuildRate(RateRuleFile? rule, string where, IReadOnlySet<string> knownMetrics)
    {
        rule = rule ?? throw new ArgumentException($"{where}.ratesOfChange: a rule is null.");
        var at = $"{where}.ratesOfChange[{rule.RuleId ?? rule.Metric}]";
        var metric = KnownMetric(rule.Metric, at, knownMetrics);
        if (rule.Levels is not { Count: > 0 })
        {
            throw new ArgumentException($"{at}: a rate-of-change rule needs levels (units of {metric} per minute).");
        }

        var window = Window(rule.WindowSamples ?? DefaultRateWindowSamples, at);
        var confirm = (rule.ConfirmSeconds ?? []).ToDictionary(c => c.Key, c => Seconds(c.Value, $"{at}.confirmSeconds.{c.Key}"));
        foreach (var level in rule.Levels.Keys)
        {
            // As for thresholds (DESIGN.md §4): red at once, lower levels after 10 s.
            confirm.TryAdd(level, level == WarningLevel.Red ? TimeSpan.Zero : TimeSpan.FromSeconds(10));
        }

        ThresholdLadder ladder;
        try
        {
            ladder = new ThresholdLadder(rule.Direction, rule.Levels, rule.ClearRatio ?? 0.9, confirm);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{at}: {ex.Message}", ex);
        }

        var ruleId = rule.RuleId ?? $"{metric}.{(rule.Direction == ThresholdDirection.Above ? "rising" : "falling")}";
        return new RateOfChangeRuleDefinition(ruleId, metric, window, ladder, rule.Description);
    }

    private static ForecastRuleDefinition BuildForecast(ForecastRuleFile? rule, string where, IReadOnlySet<string> knownMetrics)
    {
        rule = rule ?? throw new ArgumentException($"{where}.forecasts: a rule is null.");
        var at = $"{where}.forecasts[{rule.RuleId ?? rule.Metric}]";
        var metric = KnownMetric(rule.Metric, at, knownMetrics);
        if (rule.Threshold is not { } threshold || !double.IsFinite(threshold))
        {
            throw new ArgumentException($"{at}: a forecast needs the threshold it forecasts (a finite number).");
        }

        var lead = rule.LeadSeconds ?? DefaultLeadSeconds;
        if (!double.IsFinite(lead) || lead <= 0 || lead > TimeSpan.FromDays(7).TotalSeconds)
        {
            throw new ArgumentException($"{at}: leadSeconds must be more than 0 and at most 7 days, not {lead}.");
        }

        var agreement = rule.MinAgreement ?? ForecastRuleDefinition.DefaultMinAgreement;
        if (!double.IsFinite(agreement) || agreement is <= 0.5 or > 1)
        {
            throw new ArgumentException($"{at}: minAgreement must be above 0.5 (a coin toss) and at most 1, not {agreement}.");
        }

        return new ForecastRuleDefinition(
            rule.RuleId ?? $"{metric}.forecast", metric, rule.Direction, threshold, Window(rule.WindowSamples ?? DefaultForecastWindowSamples, at),
            TimeSpan.FromSeconds(lead), Level(rule.Level ?? WarningLevel.Yellow, at), agreement, rule.Description);
    }

    private static CompoundRuleDefinition BuildCompound(CompoundRuleFile? rule, string where, IReadOnlySet<string> knownMetrics)
    {
        rule = rule ?? throw new ArgumentException($"{where}.compounds: a rule is null.");
        if (string.IsNullOrWhiteSpace(rule.RuleId))
        {
            throw new ArgumentException($"{where}.compounds: a compound rule needs a ruleId.");
        }

        var at = $"{where}.compounds[{rule.RuleId}]";
        if (rule.Conditions is not { Count: >= 2 })
        {
            throw new ArgumentException($"{at}: a compound rule needs at least two conditions (one is a threshold rule).");
        }

        var conditions = new List<CompoundCondition>();
        for (var i = 0; i < rule.Conditions.Count; i++)
        {
            var c = rule.Conditions[i] ?? throw new ArgumentException($"{at}.conditions[{i}] is null.");
            var here = $"{at}.conditions[{i}]";
            if (c.Threshold is not { } threshold || !double.IsFinite(threshold))
            {
                throw new ArgumentException($"{here}: a condition needs a threshold (a finite number).");
            }

            var clearRatio = c.ClearRatio ?? 0.9;
            if (!double.IsFinite(clearRatio) || clearRatio is <= 0 or > 1)
            {
                throw new ArgumentException($"{here}: clearRatio must be in (0, 1], not {clearRatio}.");
            }

            conditions.Add(new CompoundCondition(KnownMetric(c.Metric, here, knownMetrics), c.Direction, threshold, Seconds(c.HoldSeconds ?? 0, $"{here}.holdSeconds"), clearRatio));
        }

        return new CompoundRuleDefinition(rule.RuleId, rule.Operator, conditions, Level(rule.Level, at), rule.Description);
    }

    private static SensorHealthRuleDefinition BuildSensor(SensorHealthRuleFile? rule, string where, IReadOnlySet<string> knownMetrics)
    {
        rule = rule ?? throw new ArgumentException($"{where}.sensorHealth: a rule is null.");
        var at = $"{where}.sensorHealth[{rule.RuleId ?? rule.Metric}]";
        var metric = KnownMetric(rule.Metric, at, knownMetrics);
        if (rule.Min is null && rule.Max is null && rule.StuckSeconds is null && rule.SpikeDelta is null)
        {
            throw new ArgumentException($"{at}: a sensor-health rule needs at least one of min, max, stuckSeconds, spikeDelta.");
        }

        if (rule.Min is { } min && rule.Max is { } max && !(min < max))
        {
            throw new ArgumentException($"{at}: min ({min}) must be below max ({max}).");
        }

        if ((rule.Min is { } lo && !double.IsFinite(lo)) || (rule.Max is { } hi && !double.IsFinite(hi)))
        {
            throw new ArgumentException($"{at}: min and max must be finite numbers.");
        }

        var tolerance = rule.StuckTolerance ?? 0;
        if (!double.IsFinite(tolerance) || tolerance < 0)
        {
            throw new ArgumentException($"{at}: stuckTolerance must be 0 or more, not {tolerance}.");
        }

        TimeSpan? stuck = rule.StuckSeconds is { } seconds ? Seconds(seconds, $"{at}.stuckSeconds") : null;
        if (stuck == TimeSpan.Zero)
        {
            throw new ArgumentException($"{at}: stuckSeconds must be more than 0.");
        }

        if (rule.SpikeDelta is { } delta && (!double.IsFinite(delta) || delta <= 0))
        {
            throw new ArgumentException($"{at}: spikeDelta must be more than 0, not {delta}.");
        }

        var spikeWindow = rule.SpikeWindowSamples ?? SensorHealthRuleDefinition.DefaultSpikeWindowSamples;
        if (spikeWindow is < 1 or > SensorHealthRuleDefinition.MaxSpikeWindowSamples)
        {
            throw new ArgumentException($"{at}: spikeWindowSamples must be between 1 and {SensorHealthRuleDefinition.MaxSpikeWindowSamples}, not {spikeWindow}.");
        }

        var spikeCount = rule.SpikeCount ?? SensorHealthRuleDefinition.DefaultSpikeCount;
        if (spikeCount < 1 || spikeCount > spikeWindow)
        {
            throw new ArgumentException($"{at}: spikeCount must be between 1 and spikeWindowSamples ({spikeWindow}), not {spikeCount}.");
        }

        return new SensorHealthRuleDefinition(
            rule.RuleId ?? $"sensor.{metric}", metric, Level(rule.Level ?? WarningLevel.Yellow, at), rule.Min, rule.Max, stuck, tolerance,
            rule.SpikeDelta, spikeCount, spikeWindow, rule.HoldBackProcessAlarms ?? false, rule.Description);
    }

    private static string KnownMetric(string? metric, string at, IReadOnlySet<string> knownMetrics)
    {
        if (string.IsNullOrWhiteSpace(metric))
        {
            throw new ArgumentException($"{at}: the rule needs a metric.");
        }

        if (!knownMetrics.Contains(metric))
        {
            throw new ArgumentException(
                $"{at}: unknown metric '{metric}'. Known here: {string.Join(", ", knownMetrics.Order(StringComparer.Ordinal))}; a metric with no threshold is declared under \"metrics\".");
        }

        return metric;
    }

    private static int Window(int samples, string at) =>
        samples is >= MinWindowSamples and <= RobustTrend.MaxSamples
            ? samples
            : throw new ArgumentException($"{at}: windowSamples must be between {MinWindowSamples} and {RobustTrend.MaxSamples}, not {samples}.");

    private static TimeSpan Seconds(double seconds, string at) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds <= TimeSpan.FromDays(7).TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{at} must be between 0 and 7 days in seconds, not {seconds}.");

    private static WarningLevel Level(WarningLevel level, string at) =>
        level is > WarningLevel.None and <= WarningLevel.Red
            ? level
            : throw new ArgumentException($"{at}: level must be blue, yellow, orange or red.");
}

internal sealed record RateRuleFile(
    string? RuleId,
    string? Metric,
    ThresholdDirection Direction,
    int? WindowSamples,
    Dictionary<WarningLevel, double>? Levels,
    double? ClearRatio,
    Dictionary<WarningLevel, double>? ConfirmSeconds,
    string? Description,
    string? Source);

internal sealed record ForecastRuleFile(
    string? RuleId,
    string? Metric,
    ThresholdDirection Direction,
    double? Threshold,
    int? WindowSamples,
    double? LeadSeconds,
    WarningLevel? Level,
    double? MinAgreement,
    string? Description,
    string? Source);

internal sealed record CompoundRuleFile(
    string? RuleId,
    CompoundOperator Operator,
    List<CompoundConditionFile?>? Conditions,
    WarningLevel Level,
    string? Description,
    string? Source);

internal sealed record CompoundConditionFile(string? Metric, ThresholdDirection Direction, double? Threshold, double? HoldSeconds, double? ClearRatio);

internal sealed record SensorHealthRuleFile(
    string? RuleId,
    string? Metric,
    WarningLevel? Level,
    double? Min,
    double? Max,
    double? StuckSeconds,
    double? StuckTolerance,
    double? SpikeDelta,
    int? SpikeCount,
    int? SpikeWindowSamples,
    bool? HoldBackProcessAlarms,
    string? Description,
    string? Source);
