using RiskMonitor.Domain;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Domain.Tests;

/// <summary>The DESIGN.md §4 methane defaults, built in code so the domain tests need no file.</summary>
internal static class TestRules
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static ThresholdLadder MethaneLadder() => new(
        ThresholdDirection.Above,
        new Dictionary<WarningLevel, double>
        {
            [WarningLevel.Blue] = 5,
            [WarningLevel.Yellow] = 10,
            [WarningLevel.Orange] = 25,
            [WarningLevel.Red] = 50,
        },
        clearRatio: 0.9,
        new Dictionary<WarningLevel, TimeSpan>
        {
            [WarningLevel.Blue] = TimeSpan.FromSeconds(10),
            [WarningLevel.Yellow] = TimeSpan.FromSeconds(10),
            [WarningLevel.Orange] = TimeSpan.FromSeconds(10),
            [WarningLevel.Red] = TimeSpan.Zero,
        });

    public static ThresholdRuleDefinition Methane() => new("ch4_lel.high", "ch4_lel", MethaneLadder());

    public static ThresholdRuleDefinition LowPressure() => new(
        "pressure_kpa.low",
        "pressure_kpa",
        new ThresholdLadder(
            ThresholdDirection.Below,
            new Dictionary<WarningLevel, double> { [WarningLevel.Yellow] = 200, [WarningLevel.Red] = 100 },
            clearRatio: 0.95,
            new Dictionary<WarningLevel, TimeSpan>()));

    public static RuleSet Pipeline(TimeSpan? interval = null) => new(
        "gas_pipeline",
        [Methane(), LowPressure()],
        new Dictionary<string, EventMapping>(),
        new OfflineRuleDefinition(interval ?? TimeSpan.FromSeconds(5), 3, WarningLevel.Blue));

    /// <summary>Methane forecast to reach red (50 % LEL) within 5 min, over 60 samples (decision 0033).</summary>
    public static ForecastRuleDefinition MethaneForecast(int window = 60, double leadSeconds = 300) =>
        new("ch4_lel.forecast", "ch4_lel", ThresholdDirection.Above, 50, window, TimeSpan.FromSeconds(leadSeconds), WarningLevel.Yellow);

    /// <summary>Pressure falling faster than 10 kPa/min (yellow) or 30 kPa/min (red) over 12 samples.</summary>
    public static RateOfChangeRuleDefinition PressureFalling() => new(
        "pressure_kpa.falling",
        "pressure_kpa",
        12,
        new ThresholdLadder(
            ThresholdDirection.Below,
            new Dictionary<WarningLevel, double> { [WarningLevel.Yellow] = -10, [WarningLevel.Red] = -30 },
            clearRatio: 0.8,
            new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Yellow] = TimeSpan.FromSeconds(10) }));

    public static SensorHealthRuleDefinition PressureSensor(bool holdBack = true) => new(
        "sensor.pressure_kpa", "pressure_kpa", WarningLevel.Yellow, Min: 0, Max: 1600, StuckAfter: TimeSpan.FromMinutes(5),
        StuckTolerance: 0.05, SpikeDelta: 30, HoldBackProcessAlarms: holdBack);

    /// <summary>The pipeline's thresholds with every issue 22 rule type on top.</summary>
    public static RuleSet PipelineWithTrends(bool holdBack = true) => Pipeline() with
    {
        RatesOfChange = [PressureFalling()],
        Forecasts = [MethaneForecast()],
        Compounds =
        [
            new CompoundRuleDefinition("leak.confirmed", CompoundOperator.And,
                [
                    new CompoundCondition("ch4_lel", ThresholdDirection.Above, 10, TimeSpan.FromSeconds(10), 0.9),
                    new CompoundCondition("pressure_kpa", ThresholdDirection.Below, 250, TimeSpan.FromSeconds(30), 0.9),
                ],
                WarningLevel.Red,
                "Methane with a pressure loss"),
        ],
        SensorHealth = [PressureSensor(holdBack)],
    };

    public static RuleSet Elevator() => new(
        "elevator",
        [],
        new Dictionary<string, EventMapping>
        {
            ["entrapment"] = new("entrapment", WarningLevel.Red, TimeSpan.FromMinutes(30)),
            ["power_loss"] = new("power_loss", WarningLevel.Yellow),
        },
        new OfflineRuleDefinition(TimeSpan.FromSeconds(10), 3, WarningLevel.Blue));
}
