using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Reports;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Drills;

/// <summary>What is an exercise and what is kept apart from the real record (decision 0042).</summary>
public sealed class DrillRulesTests
{
    private static readonly string DrillAsset = DrillKey.For("gp-1", "DR-20261206-ABC234");

    private static RuleObservation Red(int seconds) =>
        new("ch4_lel.high", WarningLevel.Red, "ch4_lel", 60, T0.AddSeconds(seconds), T0.AddSeconds(seconds), TimeSpan.FromMinutes(5), "甲烷浓度 60 %LEL");

    [Theory]
    [InlineData("gp-1")]
    [InlineData("gas.station-07_b")]
    [InlineData("DR-20261206-ABC234")]
    public void No_real_asset_id_is_a_drill_key(string assetId)
    {
        Assert.False(DrillKey.IsDrill(assetId));
        Assert.False(DrillKey.TryParse(assetId, out _, out _));
        Assert.Null(DrillKey.DrillOf(assetId));
        Assert.Equal(assetId, DrillKey.AssetOf(assetId));
    }

    [Fact]
    public void A_drill_key_names_its_asset_and_its_drill()
    {
        Assert.Equal("gp-1!DR-20261206-ABC234", DrillAsset);
        Assert.True(DrillKey.TryParse(DrillAsset, out var asset, out var drill));
        Assert.Equal("gp-1", asset);
        Assert.Equal("DR-20261206-ABC234", drill);
    }

    [Theory]
    [InlineData("")]
    [InlineData("DR 1")]
    [InlineData("DR~1")]
    [InlineData("DR!1")]
    [InlineData("DR-0123456789012345678901234567890123456789")]
    public void A_malformed_drill_id_makes_no_key(string drillId)
    {
        Assert.Throws<ArgumentException>(() => DrillKey.For("gp-1", drillId));
        Assert.False(DrillKey.TryParse("gp-1!" + drillId, out _, out _));
    }

    [Fact]
    public void A_drill_alert_is_an_exercise_by_its_id_and_says_so_in_its_text()
    {
        var drill = new AlertBook(DrillAsset).Apply(Red(0))!.Alert;
        var real = new AlertBook("gp-1").Apply(Red(0))!.Alert;

        Assert.True(Exercise.IsExerciseAlert(drill.AlertId));
        Assert.StartsWith(Exercise.Label, drill.Message, StringComparison.Ordinal);
        Assert.False(Exercise.IsExerciseAlert(real.AlertId));
        Assert.Equal("甲烷浓度 60 %LEL", real.Message);
        Assert.NotEqual(drill.AlertId, real.AlertId);
    }

    [Fact]
    public void The_mark_is_put_on_once()
    {
        Assert.Equal(Exercise.Label + "x", Exercise.Mark(Exercise.Mark("x")));
        Assert.Equal("x", Exercise.MarkIf(false, "x"));
    }

    [Fact]
    public void A_real_and_a_drill_alert_on_the_same_asset_and_rule_are_two_alerts_in_two_books()
    {
        var real = new AlertBook("gp-1");
        var drill = new AlertBook(DrillAsset);
        var drillAlert = drill.Apply(Red(0))!.Alert;

        var realAlert = real.Apply(Red(1))!.Alert;

        Assert.Null(real.Find(drillAlert.AlertId));
        Assert.Null(drill.Find(realAlert.AlertId));
        Assert.Equal(DrillAsset, AlertBook.AssetIdOf(drillAlert.AlertId));
    }

    [Fact]
    public void The_kpis_count_only_real_alerts()
    {
        var real = new AlertFacts(AlertBook.NewAlertId("gp-1", "ch4_lel.high", T0), WarningLevel.Red, T0, T0.AddMinutes(2), null, null, 0);
        var drill = new AlertFacts(AlertBook.NewAlertId(DrillAsset, "ch4_lel.high", T0), WarningLevel.Red, T0, T0.AddSeconds(5), null, null, 3)
        {
            AssetId = DrillAsset,
        };

        var report = AlertKpis.Compute([real, drill], T0.AddHours(-1), T0.AddHours(1), TimeSpan.Zero);

        Assert.Equal(1, report.AlertsRaised);
        Assert.Equal(0, report.EscalationsFired);
        Assert.Single(Exercise.RealOnly([real, drill]));
    }

    [Fact]
    public void Circulars_leave_drills_out_of_the_period_and_the_one_before()
    {
        static CircularAlert Of(string assetId, DateTimeOffset at) =>
            new(new AlertFacts(AlertBook.NewAlertId(assetId, "ch4_lel.high", at), WarningLevel.Red, at, null, null, null, 1) { AssetId = assetId },
                "燃气公司", "住建局", "西湖区", "北山街道");

        var report = Circular.Compute(CircularPeriod.Daily, T0, T0.AddDays(1), TimeSpan.Zero, "全市",
            [Of("gp-1", T0.AddHours(1)), Of(DrillAsset, T0.AddHours(2))], [Of(DrillAsset, T0.AddHours(-2))], []);

        Assert.Equal(1, report.Total.Alerts);
        Assert.Equal(0, report.Total.PreviousAlerts);
        Assert.Equal(1, report.Total.Overdue);
    }

    [Fact]
    public void Ending_a_drill_closes_its_alerts_and_can_never_close_a_real_one()
    {
        var drill = new AlertBook(DrillAsset).Apply(Red(0))!.Alert;
        var real = new AlertBook("gp-1").Apply(Red(0))!.Alert;

        var (drillOutcome, closed) = Exercise.EndAlert(drill, T0.AddMinutes(10));
        var (realOutcome, untouched) = Exercise.EndAlert(real, T0.AddMinutes(10));

        Assert.Equal(WorkflowOutcome.Done, drillOutcome);
        Assert.Equal(AlertState.Closed, closed.State);
        Assert.False(closed.ConditionActive);
        Assert.Equal(WorkflowOutcome.NotAllowed, realOutcome);
        Assert.Same(real, untouched);
        Assert.Equal(WorkflowOutcome.NotAllowed, Exercise.EndAlert(closed, T0.AddMinutes(11)).Outcome);
    }
}
