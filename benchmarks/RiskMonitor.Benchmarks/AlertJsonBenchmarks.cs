using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Benchmarks;

/// <summary>One alert as SignalR and REST write it: the server's own <see cref="RiskMonitorJson"/> options.</summary>
[MemoryDiagnoser]
public class AlertJsonBenchmarks
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_123);
    private readonly JsonSerializerOptions _options = new();
    private readonly MemoryStream _sink = new();
    private Utf8JsonWriter _writer = null!;
    private AlertView _alert = null!;

    [GlobalSetup]
    public void Setup()
    {
        RiskMonitorJson.Configure(_options);
        _writer = new Utf8JsonWriter(_sink);
        _alert = new AlertView(
            "gp-000123~ch4_lel.high~1764000000123", "gp-000123", "ch4_lel.high", WarningLevel.Red, WarningLevel.Red,
            AlertState.Open, true, "ch4_lel", 60.5, T0, T0.AddMilliseconds(3), T0.AddMilliseconds(3), null, null,
            "ch4_lel 60.5 >= Red threshold 50", "中压管段123", "gas_pipeline", "gas", "d-west");
    }

    [Benchmark(Baseline = true)]
    public int ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(_alert, _options).Length;

    /// <summary>Into a reused writer, the way SignalR's JSON protocol writes a message into its pooled buffer.</summary>
    [Benchmark]
    public long IntoReusedWriter()
    {
        _sink.Position = 0;
        _writer.Reset(_sink);
        JsonSerializer.Serialize(_writer, _alert, _options);
        _writer.Flush();
        return _sink.Position;
    }
}
