using BenchmarkDotNet.Attributes;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Benchmarks;

/// <summary>
/// Issue 22, decision 0050: a reading through a pipeline with the shipped rules that is also a member of a detector
/// group (k-of-n cap on its methane threshold, drift judged by the group), against the same pipeline alone; one
/// member's report through the group's state (what the group grain does per reading); and the backtest's replay cost
/// per reading, without InfluxDB (one asset-day at 5 s through the candidate and the live rules, as a job replays it).
/// </summary>
[MemoryDiagnoser]
public class DetectorGroupBenchmarks
{
    private const int Noise = 1024;
    private const int DaySamples = 24 * 3600 / 5;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
    private readonly List<AlertChange> _changes = [];
    private readonly MetricValue[][] _samples = new MetricValue[Noise][];
    private AssetEvaluator _alone = null!;
    private AssetEvaluator _member = null!;
    private DetectorGroup _group = null!;
    private RuleSet _rules = null!;
    private int _tick;

    public static DetectorGroupDefinition Segment() => new(
        "seg-1", "ch4_lel", ["gp-1", "gp-2", "gp-3"],
        new CorroborationDefinition("ch4_lel.high", 2, WarningLevel.Orange),
        new NeighbourDriftDefinition(10, TimeSpan.FromMinutes(10), WarningLevel.Blue, 2, TimeSpan.FromMinutes(2)));

    [GlobalSetup]
    public void Setup()
    {
        _rules = ShippedRules.Pipeline();
        var random = new Random(50);
        for (var i = 0; i < Noise; i++)
        {
            _samples[i] = [new("ch4_lel", Math.Round(1 + (0.2 * (random.NextDouble() - 0.5)), 2)), new("pressure_kpa", Math.Round(310 + (2 * (random.NextDouble() - 0.5)), 1))];
        }

        _alone = Warm(new AssetEvaluator("gp-1", _rules, T0));
        _member = Warm(new AssetEvaluator("gp-1", _rules with { Groups = [Segment()] }, T0));
        _group = new DetectorGroup(Segment());
        for (var i = 0; i < 200; i++)
        {
            Report();
        }
    }

    [Benchmark(Baseline = true)]
    public WarningLevel ReadingAlone() => Step(_alone);

    [Benchmark]
    public WarningLevel ReadingAsGroupMember() => Step(_member);

    /// <summary>One member's report to its group: the k-of-n count and the drift judgement against two neighbours.</summary>
    [Benchmark]
    public WarningLevel GroupReport() => Report();

    /// <summary>One asset-day (17,280 readings) replayed through the candidate and the live rules; divide by 17,280 for a reading.</summary>
    [Benchmark]
    public int BacktestReplayOfOneAssetDay()
    {
        var candidate = new BacktestReplay("gp-1", _rules, T0);
        var live = new BacktestReplay("gp-1", _rules, T0);
        for (var i = 0; i < DaySamples; i++)
        {
            var at = T0.AddSeconds(i * 5);
            var values = _samples[i & (Noise - 1)];
            candidate.Apply(at, values);
            live.Apply(at, values);
        }

        return candidate.Episodes.Count + live.Episodes.Count;
    }

    private WarningLevel Report()
    {
        var i = ++_tick;
        var at = T0.AddSeconds(i * 5);
        var member = (i % 3) switch { 0 => "gp-1", 1 => "gp-2", _ => "gp-3" };
        return _group.Apply(member, WarningLevel.None, _samples[i & (Noise - 1)][0].Value, at)!.Ceiling;
    }

    private WarningLevel Step(AssetEvaluator evaluator)
    {
        var i = ++_tick;
        var at = T0.AddSeconds(i * 5);
        evaluator.ApplySample(at, _samples[i & (Noise - 1)], at, _changes);
        _changes.Clear();
        return evaluator.Level;
    }

    private AssetEvaluator Warm(AssetEvaluator evaluator)
    {
        for (var i = 0; i < 200; i++)
        {
            Step(evaluator);
        }

        return evaluator;
    }
}
