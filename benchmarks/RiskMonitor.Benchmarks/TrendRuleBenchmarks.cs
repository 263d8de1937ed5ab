using BenchmarkDotNet.Attributes;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Trends;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Benchmarks;

/// <summary>
/// Issue 22: one reading (methane and pressure) through a pipeline with the shipped rules (three thresholds, the
/// methane forecast over 60 samples, the pressure rate over 12, a compound rule and two sensor-health rules) in the
/// steady state (windows full, nothing changing), against the same asset with its thresholds only. And the forecast's
/// fit against Sen's all-pairs estimator over the same 60 samples, the alternative decision 0033 turned down.
/// </summary>
[MemoryDiagnoser]
public class TrendRuleBenchmarks
{
    private const int Noise = 1024;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
    private readonly List<AlertChange> _changes = [];
    private readonly MetricValue[][] _samples = new MetricValue[Noise][];
    private readonly double[] _seconds = new double[60];
    private readonly double[] _values = new double[60];
    private readonly double[] _pairSlopes = new double[60 * 59 / 2];
    private AssetEvaluator _all = null!;
    private AssetEvaluator _thresholds = null!;
    private int _tick;

    [GlobalSetup]
    public void Setup()
    {
        var rules = ShippedRules.Pipeline();
        var random = new Random(22);
        for (var i = 0; i < Noise; i++)
        {
            // Normal operation as the demo city simulates it: methane about 1 % LEL, pressure about 310 kPa, both noisy.
            _samples[i] = [new("ch4_lel", Math.Round(1 + (0.2 * (random.NextDouble() - 0.5)), 2)), new("pressure_kpa", Math.Round(310 + (2 * (random.NextDouble() - 0.5)), 1))];
        }

        for (var i = 0; i < 60; i++)
        {
            _seconds[i] = i * 5;
            _values[i] = _samples[i][0].Value;
        }

        _all = Warm(new AssetEvaluator("gp-1", rules, T0));
        _thresholds = Warm(new AssetEvaluator("gp-2", rules with { RatesOfChange = [], Forecasts = [], Compounds = [], SensorHealth = [] }, T0));
    }

    [Benchmark(Baseline = true)]
    public WarningLevel ThresholdsOnly() => Step(_thresholds);

    [Benchmark]
    public WarningLevel AllRuleTypes() => Step(_all);

    [Benchmark]
    public double DisjointPairFit60() => RobustTrend.Fit(_seconds, _values).SlopePerSecond;

    [Benchmark]
    public double AllPairsSen60()
    {
        var k = 0;
        for (var i = 0; i < 60; i++)
        {
            for (var j = i + 1; j < 60; j++)
            {
                _pairSlopes[k++] = (_values[j] - _values[i]) / (_seconds[j] - _seconds[i]);
            }
        }

        return RobustTrend.Median(_pairSlopes);
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

/// <summary>The shipped rule file (src/RiskMonitor.Server/config/rules.json), found above the benchmark's folder.</summary>
internal static class ShippedRules
{
    public static RuleSet Pipeline()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "src", "RiskMonitor.Server", "config", "rules.json")))
        {
            dir = dir.Parent;
        }

        var catalog = JsonRuleCatalog.Load(Path.Combine(dir?.FullName ?? ".", "src", "RiskMonitor.Server", "config", "rules.json"));
        return catalog.For(new AssetDefinition(
            "gp-1", "gas_pipeline", "gp-1", "gas", NetTopologySuite.Geometries.Point.Empty, RiskColour.Blue, null, null, null, "r-1", null));
    }
}

/// <summary>
/// <c>-- --evaluator-heap</c>: the managed heap one pipeline's evaluator keeps in the steady state (windows full), with
/// the shipped rules and with its thresholds only. The evaluator's share of the per-asset budget (issue 22: 4 KB per
/// active asset, grain and Orleans included); the whole-server figure is the load harness's <c>--mode memory</c>.
/// </summary>
internal static class EvaluatorHeap
{
    public static void Run()
    {
        var rules = ShippedRules.Pipeline();
        var thresholdsOnly = rules with { RatesOfChange = [], Forecasts = [], Compounds = [], SensorHealth = [] };
        Console.WriteLine($"thresholds only:     {PerEvaluator(thresholdsOnly),6:0} B per asset");
        Console.WriteLine($"shipped (all types): {PerEvaluator(rules),6:0} B per asset");
        Console.WriteLine($"shipped, in a group: {PerEvaluator(rules with { Groups = [DetectorGroupBenchmarks.Segment()] }),6:0} B per asset");
    }

    private static double PerEvaluator(RuleSet rules)
    {
        const int Count = 20_000;
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        var changes = new List<AlertChange>();
        var keep = new AssetEvaluator[Count];
        var random = new Random(1);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var a = 0; a < Count; a++)
        {
            var evaluator = new AssetEvaluator("gp-" + a.ToString("000000", System.Globalization.CultureInfo.InvariantCulture), rules, t0);
            for (var i = 0; i < 70; i++)
            {
                var at = t0.AddSeconds(i * 5);
                evaluator.ApplySample(at, [new("ch4_lel", 1 + (0.2 * random.NextDouble())), new("pressure_kpa", 310 + random.NextDouble())], at, changes);
                changes.Clear();
            }

            keep[a] = evaluator;
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(keep);
        // The keep array itself (8 B a slot) is not the asset's; the asset id string is, as the grain holds one too.
        return (after - before - (Count * 8.0)) / Count;
    }
}
