namespace RiskMonitor.Domain.Assets;

/// <summary>One measured quantity of a sample, e.g. <c>ch4_lel = 12.5</c>. The metric name carries the unit.</summary>
public readonly record struct MetricValue(string Metric, double Value);
