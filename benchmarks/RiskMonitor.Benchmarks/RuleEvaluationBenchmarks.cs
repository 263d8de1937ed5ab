using BenchmarkDotNet.Attributes;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Benchmarks;

/// <summary>One sample through an asset's rules when nothing changes: the common case, which must not allocate.</summary>
[MemoryDiagnoser]
public class RuleEvaluationBenchmarks
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
    private readonly List<AlertChange> _changes = [];
    private readonly MetricValue[] _values = [new("ch4_lel", 1.5), new("pressure_kpa", 310)];
    private AssetEvaluator _evaluator = null!;
    private int _tick;

    [GlobalSetup]
    public void Setup()
    {
        var ladder = new ThresholdLadder(
            ThresholdDirection.Above,
            new Dictionary<WarningLevel, double> { [WarningLevel.Blue] = 5, [WarningLevel.Yellow] = 10, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 },
            0.9,
            new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Blue] = TimeSpan.FromSeconds(10) });
        var rules = new RuleSet("gas_pipeline", [new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", ladder)],
            new Dictionary<string, EventMapping>(), new OfflineRuleDefinition(TimeSpan.FromSeconds(5), 3, WarningLevel.Blue));
        _evaluator = new AssetEvaluator("gp-1", rules, T0);
    }

    [Benchmark]
    public WarningLevel QuietSample()
    {
        var at = T0.AddMilliseconds(++_tick);
        _evaluator.ApplySample(at, _values, at, _changes);
        return _evaluator.Level;
    }
}
