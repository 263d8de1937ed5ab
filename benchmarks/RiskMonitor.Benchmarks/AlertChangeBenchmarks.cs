using BenchmarkDotNet.Attributes;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Benchmarks;

/// <summary>
/// The path when a reading does change something: a red methane sample raises (or re-activates) the asset's alert
/// and the next normal one clears it. One operation = one raise and one clear, plus the snapshot the grain persists
/// after each change.
/// </summary>
[MemoryDiagnoser]
public class AlertChangeBenchmarks
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
    private readonly List<AlertChange> _changes = [];
    private readonly MetricValue[] _red = [new("ch4_lel", 60.5), new("pressure_kpa", 310)];
    private readonly MetricValue[] _normal = [new("ch4_lel", 1.5), new("pressure_kpa", 310)];
    private AssetEvaluator _evaluator = null!;
    private AlertBook _book = null!;
    private int _tick;

    [GlobalSetup]
    public void Setup()
    {
        _evaluator = new AssetEvaluator("gp-1", GasPipelineRules(), T0);
        _book = new AlertBook("gp-1");
    }

    [Benchmark(Baseline = true)]
    public int RaiseAndClear()
    {
        _changes.Clear();
        var at = T0.AddMilliseconds(++_tick * 2);
        _evaluator.ApplySample(at, _red, at, _changes);
        _evaluator.ApplySample(at.AddMilliseconds(1), _normal, at.AddMilliseconds(1), _changes);
        return _changes.Count;
    }

    [Benchmark]
    public int RaiseAndClearWithSnapshots()
    {
        _changes.Clear();
        var at = T0.AddMilliseconds(++_tick * 2);
        _evaluator.ApplySample(at, _red, at, _changes);
        var first = _evaluator.Snapshot();
        _evaluator.ApplySample(at.AddMilliseconds(1), _normal, at.AddMilliseconds(1), _changes);
        var second = _evaluator.Snapshot();
        return _changes.Count + first.Alerts.Count + second.Alerts.Count;
    }

    /// <summary>The alert book alone: re-activate and clear one alert.</summary>
    [Benchmark]
    public bool AlertBookReactivateAndClear()
    {
        var at = T0.AddMilliseconds(++_tick * 2);
        var raised = _book.Apply(new RuleObservation("ch4_lel.high", WarningLevel.Red, "ch4_lel", 60.5, at, at, null, "red"));
        var cleared = _book.Apply(new RuleObservation("ch4_lel.high", WarningLevel.None, "ch4_lel", 1.5, at, at, null, "normal"));
        return raised is not null && cleared is not null;
    }

    internal static RuleSet GasPipelineRules()
    {
        var methane = new ThresholdLadder(
            ThresholdDirection.Above,
            new Dictionary<WarningLevel, double> { [WarningLevel.Blue] = 5, [WarningLevel.Yellow] = 10, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 },
            0.9,
            new Dictionary<WarningLevel, TimeSpan>
            {
                [WarningLevel.Blue] = TimeSpan.FromSeconds(10),
                [WarningLevel.Yellow] = TimeSpan.FromSeconds(10),
                [WarningLevel.Orange] = TimeSpan.FromSeconds(10),
            });
        var pressureHigh = new ThresholdLadder(
            ThresholdDirection.Above,
            new Dictionary<WarningLevel, double> { [WarningLevel.Yellow] = 400, [WarningLevel.Orange] = 420, [WarningLevel.Red] = 440 },
            0.97,
            new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Yellow] = TimeSpan.FromSeconds(10), [WarningLevel.Orange] = TimeSpan.FromSeconds(10) });
        return new RuleSet(
            "gas_pipeline",
            [new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", methane), new ThresholdRuleDefinition("pressure_kpa.high", "pressure_kpa", pressureHigh)],
            new Dictionary<string, EventMapping>(),
            new OfflineRuleDefinition(TimeSpan.FromSeconds(5), 3, WarningLevel.Blue));
    }
}
