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
