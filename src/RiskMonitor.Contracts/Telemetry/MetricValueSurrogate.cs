using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Contracts.Telemetry;

// The domain stays free of Orleans, so its value types cross the wire through surrogates.
[GenerateSerializer, Immutable, Alias("rm.MetricValue.v1")]
public struct MetricValueSurrogate
{
    [Id(0)] public string Metric;
    [Id(1)] public double Value;
}

[RegisterConverter]
public sealed class MetricValueConverter : IConverter<MetricValue, MetricValueSurrogate>
{
    public MetricValue ConvertFromSurrogate(in MetricValueSurrogate surrogate) => new(surrogate.Metric, surrogate.Value);

    public MetricValueSurrogate ConvertToSurrogate(in MetricValue value) => new() { Metric = value.Metric, Value = value.Value };
}
