using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Scenarios;

/// <summary>Issue 22's demo scenarios, and the slow leak's readings through the server's own evaluator.</summary>
public sealed class SensorScenarioTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly SimAsset Pipe = new("gp-0003", AssetKinds.GasPipeline, "管段3", TimeSpan.FromSeconds(5));
    private static readonly SimAsset Station = new("gs-0001", AssetKinds.GasStation, "加气站", TimeSpan.FromSeconds(5));

    /// <summary>The pipeline's methane rules as src/RiskMonitor.Server/config/rules.json ships them.</summary>
    private static RuleSet ShippedMethaneRules() => new(
        "gas_pipeline",
        [
            new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", new ThresholdLadder(
                ThresholdDirection.Above,
                new Dictionary<WarningLevel, double> { [WarningLevel.Blue] = 5, [WarningLevel.Yellow] = 10, [WarningLevel.Orange] = 25, [WarningLevel.Red] = 50 },
                0.9,
                new Dictionary<WarningLevel, TimeSpan>
                {
                    [WarningLevel.Blue] = TimeSpan.FromSeconds(10), [WarningLevel.Yellow] = TimeSpan.FromSeconds(10),
                    [WarningLevel.Orange] = TimeSpan.FromSeconds(10), [WarningLevel.Red] = TimeSpan.Zero,
                })),
        ],
        new Dictionary<string, EventMapping>(),
        new OfflineRuleDefinition(TimeSpan.FromSeconds(5), 3, WarningLevel.Blue))
    {
        Forecasts = [new ForecastRuleDefinition("ch4_lel.forecast", "ch4_lel", ThresholdDirection.Above, 50, 60, TimeSpan.FromSeconds(300), WarningLevel.Yellow)],
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_slow_leak_is_forecast_at_least_two_minutes_before_red(int seed)
    {
        var engine = new ScenarioEngine([Pipe], ScenarioSettings.Default, new Random(seed));
        var model = ValueModel.For(Pipe, seed);
        var evaluator = new AssetEvaluator(Pipe.Id, ShippedMethaneRules(), T0);
        var changes = new List<AlertChange>();
        var leakStarts = T0.AddMinutes(10); // ten minutes of normal readings first: the forecast window is full of them
        Assert.Equal(ScenarioOutcomeKind.Accepted, engine.Start(new ScenarioRequest(SensorScenarios.SlowLeak, Pipe.Id), leakStarts).Kind);

        for (var at = T0; at <= leakStarts + RampProfile.SlowLeak.Duration; at = at.AddSeconds(5))
        {
            var values = model.Next(at, TimeSpan.FromSeconds(5));
            engine.Apply(Pipe.Id, at, values);
            engine.TakeDue(at);
            evaluator.ApplySample(at, values.Items.Select(v => new MetricValue(v.Key, v.Value)).ToArray(), at, changes);
        }

        var forecast = changes.First(c => c.Alert.RuleId == "ch4_lel.forecast").Alert;
        var red = changes.First(c => c.Alert.RuleId == "ch4_lel.high" && c.Alert.Level == WarningLevel.Red).Alert;
        TestContext.Current.SendDiagnosticMessage(
            $"seed {seed}: forecast {(forecast.ReadingTime - leakStarts).TotalSeconds} s into the leak, red {(red.ReadingTime - leakStarts).TotalSeconds} s");
        Assert.True(forecast.ReadingTime > leakStarts, "no forecast before the leak");
        Assert.True(red.ReadingTime - forecast.ReadingTime >= TimeSpan.FromMinutes(2),
            $"forecast {(forecast.ReadingTime - leakStarts).TotalSeconds} s into the leak, red {(red.ReadingTime - leakStarts).TotalSeconds} s");
    }

    [Fact]
    public void A_stuck_sensor_repeats_its_first_value_exactly_for_the_duration_and_then_reads_normally()
    {
        var engine = new ScenarioEngine([Pipe], ScenarioSettings.Default, new Random(1));
        engine.Start(new ScenarioRequest(SensorScenarios.StuckSensor, Pipe.Id, Duration: TimeSpan.FromMinutes(10)), T0);

        var during = Enumerable.Range(0, 120).Select(i =>
        {
            var values = new ChannelValues().Set(Channels.PressureKpa, 310 + (i % 7 * 0.3)).Set(Channels.Ch4Lel, 0.5 + (i % 3 * 0.1));
            engine.Apply(Pipe.Id, T0.AddSeconds(i * 5), values);
            return (Pressure: values[Channels.PressureKpa], Methane: values[Channels.Ch4Lel]);
        }).ToList();
        var after = new ChannelValues().Set(Channels.PressureKpa, 312.3);
        engine.Apply(Pipe.Id, T0.AddMinutes(10), after);

        Assert.All(during, d => Assert.Equal(310, d.Pressure));
        Assert.Equal(3, during.Select(d => d.Methane).Distinct().Count()); // only the pressure transmitter is stuck
        Assert.Equal(312.3, after[Channels.PressureKpa]);
    }

    [Fact]
    public void A_drifting_methane_detector_reads_one_percent_LEL_a_minute_high_and_only_while_it_runs()
    {
        var engine = new ScenarioEngine([Station], ScenarioSettings.Default, new Random(1));
        var started = engine.Start(new ScenarioRequest(SensorScenarios.DriftingSensor, Station.Id), T0);

        var at10 = new ChannelValues().Set(Channels.Ch4Lel, 0.5);
        engine.Apply(Station.Id, T0.AddMinutes(10), at10);
        var afterwards = new ChannelValues().Set(Channels.Ch4Lel, 0.5);
        engine.Apply(Station.Id, T0.AddMinutes(15), afterwards);

        Assert.Equal(T0.AddMinutes(15), started.Started!.EndsAt);
        Assert.Equal(10.5, at10[Channels.Ch4Lel], 6);
        Assert.Equal(0.5, afterwards[Channels.Ch4Lel]);
    }

    [Fact]
    public void The_sensor_scenarios_are_listed_and_refuse_kinds_they_do_not_fit()
    {
        var engine = new ScenarioEngine([Pipe, Station], ScenarioSettings.Default, new Random(1));

        Assert.NotNull(ScenarioCatalog.Find("slow-leak"));
        Assert.True(ScenarioRequest.TryParse("stuck-sensor:gp-0003@30s", out var request, out _));
        Assert.Equal(ScenarioOutcomeKind.WrongKind, engine.Start(new ScenarioRequest(SensorScenarios.StuckSensor, Station.Id), T0).Kind);
        Assert.Equal(ScenarioOutcomeKind.Accepted, engine.Start(request, T0).Kind);
    }
}
