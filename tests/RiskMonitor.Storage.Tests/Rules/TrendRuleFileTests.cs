using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>Issue 22 rule types in the rule file: what loads, the defaults, overrides, and bad definitions refused at load.</summary>
public sealed class TrendRuleFileTests
{
    private const string Kind = """
        "gas_pipeline": {
          "metrics": ["flow_m3h"],
          "thresholds": [ { "metric": "ch4_lel", "direction": "above", "levels": { "red": 50 } },
                          { "metric": "pressure_kpa", "direction": "below", "levels": { "red": 100 } } ],
          "forecasts": [ FORECAST ],
          "ratesOfChange": [ RATE ],
          "compounds": [ COMPOUND ],
          "sensorHealth": [ SENSOR ]
        }
        """;

    private const string Forecast = """{ "metric": "ch4_lel", "direction": "above", "threshold": 50 }""";
    private const string Rate = """{ "metric": "pressure_kpa", "direction": "below", "levels": { "yellow": -10, "red": -40 } }""";
    private const string Compound = """
        { "ruleId": "leak.confirmed", "operator": "and", "level": "red", "conditions": [
            { "metric": "ch4_lel", "direction": "above", "threshold": 10, "holdSeconds": 10 },
            { "metric": "pressure_kpa", "direction": "below", "threshold": 250, "holdSeconds": 30 } ] }
        """;

    private const string Sensor = """{ "metric": "pressure_kpa", "min": 0, "max": 1600, "stuckSeconds": 300 }""";

    private static string File(string? forecast = null, string? rate = null, string? compound = null, string? sensor = null, string assets = "{}") =>
        "{ \"kinds\": { " + Kind.Replace("FORECAST", forecast ?? Forecast, StringComparison.Ordinal)
            .Replace("RATE", rate ?? Rate, StringComparison.Ordinal)
            .Replace("COMPOUND", compound ?? Compound, StringComparison.Ordinal)
            .Replace("SENSOR", sensor ?? Sensor, StringComparison.Ordinal)
        + " }, \"assets\": " + assets + " }";

    private static AssetDefinition Asset(string id) => new(
        id, "gas_pipeline", id, "gas", new Point(120.1, 30.2), RiskColour.Blue, null, null, null, "r-1", null);

    [Fact]
    public void Each_rule_type_loads_with_its_documented_defaults()
    {
        var rules = JsonRuleCatalog.Parse(File(), "rules").For(Asset("gp-1"));

        var forecast = Assert.Single(rules.Forecasts);
        Assert.Equal(("ch4_lel.forecast", 60, TimeSpan.FromMinutes(5), WarningLevel.Yellow, 0.8),
            (forecast.RuleId, forecast.WindowSamples, forecast.Lead, forecast.Level, forecast.MinAgreement));
        var rate = Assert.Single(rules.RatesOfChange);
        Assert.Equal(("pressure_kpa.falling", 12), (rate.RuleId, rate.WindowSamples));
        Assert.Equal(TimeSpan.FromSeconds(10), rate.Ladder.ConfirmTime(WarningLevel.Yellow));
        Assert.Equal(TimeSpan.Zero, rate.Ladder.ConfirmTime(WarningLevel.Red));
        var compound = Assert.Single(rules.Compounds);
        Assert.Equal(CompoundOperator.And, compound.Operator);
        Assert.Equal(TimeSpan.FromSeconds(30), compound.Conditions[1].Hold);
        var sensor = Assert.Single(rules.SensorHealth);
        Assert.Equal(("sensor.pressure_kpa", WarningLevel.Yellow, false, 3, 20),
            (sensor.RuleId, sensor.Level, sensor.HoldBackProcessAlarms, sensor.SpikeCount, sensor.SpikeWindowSamples));
    }

    [Fact]
    public void The_shipped_rule_file_gives_pipelines_every_issue_22_rule_type()
    {
        var shipped = JsonRuleCatalog.Load(ShippedRuleFile.Path).For(Asset("gp-1"));

        Assert.Contains(shipped.Forecasts, f => f.RuleId == "ch4_lel.forecast" && f.WindowSamples == 60);
        Assert.NotEmpty(shipped.RatesOfChange);
        Assert.NotEmpty(shipped.Compounds);
        Assert.Contains(shipped.SensorHealth, s => s.Metric == "pressure_kpa" && s.HoldBackProcessAlarms);
        Assert.Contains(shipped.SensorHealth, s => s.Metric == "ch4_lel" && !s.HoldBackProcessAlarms);
    }

    [Fact]
    public void An_asset_override_replaces_the_kinds_forecast_by_rule_id_and_leaves_other_assets_alone()
    {
        var catalog = JsonRuleCatalog.Parse(File(assets: """
            { "gp-9": { "forecasts": [ { "ruleId": "ch4_lel.forecast", "metric": "ch4_lel", "direction": "above",
                                         "threshold": 25, "leadSeconds": 600 } ] } }
            """), "rules");

        Assert.Equal(25, Assert.Single(catalog.For(Asset("gp-9")).Forecasts).Threshold);
        Assert.Equal(50, Assert.Single(catalog.For(Asset("gp-1")).Forecasts).Threshold);
    }

    [Theory]
    [InlineData("forecast", """{ "metric": "ch4_lxl", "direction": "above", "threshold": 50 }""", "unknown metric 'ch4_lxl'")]
    [InlineData("forecast", """{ "metric": "ch4_lel", "direction": "above", "threshold": 50, "windowSamples": -5 }""", "windowSamples must be between 4 and 256, not -5")]
    [InlineData("forecast", """{ "metric": "ch4_lel", "direction": "above" }""", "needs the threshold")]
    [InlineData("forecast", """{ "metric": "ch4_lel", "direction": "above", "threshold": 50, "leadSeconds": 0 }""", "leadSeconds must be more than 0")]
    [InlineData("forecast", """{ "metric": "ch4_lel", "direction": "above", "threshold": 50, "minAgreement": 0.4 }""", "minAgreement must be above 0.5")]
    [InlineData("rate", """{ "metric": "pressure_kpa", "direction": "below", "windowSamples": 2, "levels": { "red": -40 } }""", "windowSamples must be between 4 and 256, not 2")]
    [InlineData("rate", """{ "metric": "pressure_kpa", "direction": "below" }""", "needs levels")]
    [InlineData("rate", """{ "metric": "pressure_kpa", "direction": "below", "levels": { "red": -10, "yellow": -40 } }""", "must be below the level below it")]
    [InlineData("compound", """{ "ruleId": "x", "operator": "or", "level": "red", "conditions": [ { "metric": "ch4_lel", "threshold": 1 } ] }""", "at least two conditions")]
    [InlineData("compound", """{ "ruleId": "x", "operator": "or", "level": "red", "conditions": [ { "metric": "ch4_lel", "threshold": 1 }, { "metric": "no_such", "threshold": 1 } ] }""", "unknown metric 'no_such'")]
    [InlineData("compound", """{ "ruleId": "x", "operator": "or", "level": "red", "conditions": [ { "metric": "ch4_lel", "threshold": 1, "holdSeconds": -1 }, { "metric": "flow_m3h", "threshold": 1 } ] }""", "holdSeconds must be between 0 and 7 days")]
    [InlineData("compound", """{ "ruleId": "x", "operator": "or", "conditions": [ { "metric": "ch4_lel", "threshold": 1 }, { "metric": "flow_m3h", "threshold": 1 } ] }""", "level must be blue, yellow, orange or red")]
    [InlineData("compound", """{ "ruleId": "ch4_lel.high", "operator": "or", "level": "red", "conditions": [ { "metric": "ch4_lel", "threshold": 1 }, { "metric": "flow_m3h", "threshold": 1 } ] }""", "rule id 'ch4_lel.high' is used twice")]
    [InlineData("sensor", """{ "metric": "pressure_kpa", "min": 10, "max": 5 }""", "min (10) must be below max (5)")]
    [InlineData("sensor", """{ "metric": "pressure_kpa" }""", "needs at least one of min, max, stuckSeconds, spikeDelta")]
    [InlineData("sensor", """{ "metric": "pressure_kpa", "spikeDelta": 5, "spikeCount": 30, "spikeWindowSamples": 20 }""", "spikeCount must be between 1 and spikeWindowSamples (20), not 30")]
    [InlineData("sensor", """{ "metric": "pressure_kpa", "spikeDelta": 5, "spikeWindowSamples": 65 }""", "spikeWindowSamples must be between 1 and 64")]
    [InlineData("sensor", """{ "metric": "pressure_kpa", "stuckSeconds": 0 }""", "stuckSeconds must be more than 0")]
    public void A_bad_rule_is_refused_at_load_with_where_and_what(string part, string rule, string expected)
    {
        var json = part switch
        {
            "forecast" => File(forecast: rule),
            "rate" => File(rate: rule),
            "compound" => File(compound: rule),
            _ => File(sensor: rule),
        };

        var error = Assert.Throws<RegistryException>(() => JsonRuleCatalog.Parse(json, "rules"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("kinds.gas_pipeline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_asset_override_is_refused_at_load_not_at_activation()
    {
        var json = File(assets: """{ "gp-9": { "forecasts": [ { "metric": "ch4_lel", "direction": "above", "threshold": 50, "windowSamples": -1 } ] } }""");

        var error = Assert.Throws<RegistryException>(() => JsonRuleCatalog.Parse(json, "rules"));

        Assert.Contains("assets.gp-9.forecasts[ch4_lel]: windowSamples must be between 4 and 256, not -1", error.Message, StringComparison.Ordinal);
    }
}
