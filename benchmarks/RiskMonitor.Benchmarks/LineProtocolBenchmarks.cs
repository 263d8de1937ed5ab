using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Benchmarks;

/// <summary>
/// The storage side of every reading: one line per reading (on the grain's turn), then one body and one gzip per
/// batch of 5,000 (on the writer's drain loop). Figures are per reading.
/// </summary>
[MemoryDiagnoser]
public class LineProtocolBenchmarks
{
    private const int BatchSize = 5000;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
    private ReadingPoint _reading;
    private List<string> _lines = null!;
    private byte[] _body = null!;

    [GlobalSetup]
    public void Setup()
    {
        _reading = new ReadingPoint("gp-000123", "gas_pipeline", "d-west", T0,
            ImmutableArray.Create(new MetricValue("ch4_lel", 1.5), new MetricValue("pressure_kpa", 310.25)));
        _lines = [.. Enumerable.Range(0, BatchSize).Select(i => LineProtocol.Encode(
            _reading with { AssetId = $"gp-{i % 1000:000000}", Timestamp = T0.AddMilliseconds(i) }, "telemetry")!)];
        _body = LineProtocol.ToBody(_lines);
    }

    [Benchmark(Baseline = true)]
    public string? EncodeOneReading() => LineProtocol.Encode(_reading, "telemetry");

    /// <summary>The same reading through InfluxDB.Client's PointData: what Encode did before it wrote plain readings directly.</summary>
    [Benchmark]
    public string? EncodeOneReadingWithPointData() => LineProtocol.EncodeWithPointData(_reading, "telemetry");

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int BodyOf5000() => LineProtocol.ToBody(_lines).Length;

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int GzipOf5000() => LineProtocol.Gzip(_body).Length;
}
