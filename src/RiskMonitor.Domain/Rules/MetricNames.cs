namespace RiskMonitor.Domain.Rules;

/// <summary>
/// One string instance per metric name across every rule definition, so that the evaluator's many "is this rule's
/// metric the sample's?" tests end at the reference check (a replay spent a tenth of its time comparing equal names
/// character by character). Metric names are a small, bounded set, which is what the runtime's intern pool is for.
/// </summary>
public static class MetricNames
{
    /// <summary>The pooled instance of <paramref name="metric"/> (null stays null, for validation to report).</summary>
    public static string Shared(string metric) => metric is null ? null! : string.Intern(metric);

    /// <summary>The pooled instance if some definition pooled the name, otherwise <paramref name="metric"/> itself.</summary>
    public static string Known(string metric) => string.IsInterned(metric) ?? metric;
}
