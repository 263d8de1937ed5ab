using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Benchmarks;

/// <summary>The ingestion hot path: one payload in, samples out. Allocation per reading should stay near the message itself.</summary>
[MemoryDiagnoser]
public class TelemetryParsingBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
    private readonly TelemetryParser _parser = new(new MetricNameCache());
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        _single = new(Encoding.UTF8.GetBytes("""{"ts":1764000000123,"values":{"ch4_lel":12.5,"pressure_kpa":310,"flow_m3h":42.1}}"""));
        var items = Enumerable.Range(0, 50).Select(i => $$$"""{"ts":{{{1_764_000_000_000 + (i * 100)}}},"values":{"ch4_lel":{{{i % 7}}}.5,"pressure_kpa":310}}""");
        _batch = new(Encoding.UTF8.GetBytes("[" + string.Join(",", items) + "]"));
    }

    [Benchmark(Baseline = true)]
    public int Single() => _parser.Parse(_single, Now, TimeSpan.FromMinutes(5)).Samples.Length;

    [Benchmark(OperationsPerInvoke = 50)]
    public int BatchOf50() => _parser.Parse(_batch, Now, TimeSpan.FromMinutes(5)).Samples.Length;
}
