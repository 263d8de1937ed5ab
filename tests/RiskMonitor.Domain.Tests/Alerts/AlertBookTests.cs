using RiskMonitor.Domain.Alerts;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Alerts;

public sealed class AlertBookTests
{
    private static RuleObservation At(WarningLevel level, int seconds, string rule = "ch4_lel.high") =>
        new(rule, level, "ch4_lel", 12, T0.AddSeconds(seconds), T0.AddSeconds(seconds), null, "test");

    [Fact]
    public void A_first_level_raises_one_alert()
    {
        var book = new AlertBook("gp-1");

        var change = book.Apply(At(WarningLevel.Yellow, 0));

        Assert.NotNull(change);
        Assert.Equal(AlertChangeKind.Raised, change.Kind);
        Assert.Equal(AlertState.Open, change.Alert.State);
        Assert.True(change.Alert.ConditionActive);
        Assert.Equal("gp-1", AlertBook.AssetIdOf(change.Alert.AlertId));
    }

    [Fact]
    public void A_worsening_level_upgrades_the_same_alert()
    {
        var book = new AlertBook("gp-1");
        var raised = book.Apply(At(WarningLevel.Yellow, 0))!;

        var upgraded = book.Apply(At(WarningLevel.Red, 5))!;

        Assert.Equal(AlertChangeKind.Updated, upgraded.Kind);
        Assert.Equal(raised.Alert.AlertId, upgraded.Alert.AlertId);
        Assert.Equal(WarningLevel.Red, upgraded.Alert.Severity);
        Assert.Single(book.Alerts);
    }

    [Fact]
    public void An_easing_level_keeps_the_worst_severity()
    {
        var book = new AlertBook("gp-1");
        book.Apply(At(WarningLevel.Red, 0));

        var eased = book.Apply(At(WarningLevel.Yellow, 5))!;

        Assert.Equal(WarningLevel.Red, eased.Alert.Severity);
        Assert.Equal(WarningLevel.Yellow, eased.Alert.Level);
    }

    [Fact]
    public void The_same_level_again_changes_nothing()
    {
        var book = new AlertBook("gp-1");
        book.Apply(At(WarningLevel.Yellow, 0));

        Assert.Null(book.Apply(At(WarningLevel.Yellow, 5)));
    }

    [Fact]
    public void A_cleared_condition_leaves_the_alert_open_for_a_person()
    {
        var book = new AlertBook("gp-1");
        book.Apply(At(WarningLevel.Red, 0));

        var cleared = book.Apply(At(WarningLevel.None, 30))!;

        Assert.Equal(AlertChangeKind.Cleared, cleared.Kind);
        Assert.False(cleared.Alert.ConditionActive);
        Assert.Equal(AlertState.Open, cleared.Alert.State);
        Assert.Equal(T0.AddSeconds(30), cleared.Alert.ClearedAt);
        Assert.Equal(WarningLevel.None, book.ActiveLevel);
    }

    [Fact]
    public void A_returning_condition_reopens_a_resolved_alert_instead_of_raising_another()
    {
        var book = new AlertBook("gp-1");
        var raised = book.Apply(At(WarningLevel.Yellow, 0))!.Alert;
        book.Apply(At(WarningLevel.None, 10));
        book.Handle(raised.AlertId, a => AlertWorkflow.Resolve(a, T0.AddSeconds(20)));

        var back = book.Apply(At(WarningLevel.Orange, 30))!;

        Assert.Equal(AlertChangeKind.Updated, back.Kind);
        Assert.Equal(raised.AlertId, back.Alert.AlertId);
        Assert.Equal(AlertState.Open, back.Alert.State);
        Assert.True(back.Alert.ConditionActive);
    }

    [Fact]
    public void After_closing_a_new_condition_is_a_new_alert()
    {
        var book = new AlertBook("gp-1");
        var first = book.Apply(At(WarningLevel.Yellow, 0))!.Alert;
        book.Apply(At(WarningLevel.None, 10));
        book.Handle(first.AlertId, a => AlertWorkflow.Resolve(a, T0.AddSeconds(20)));
        var (outcome, closed) = book.Handle(first.AlertId, a => AlertWorkflow.Close(a, T0.AddSeconds(21)));

        var second = book.Apply(At(WarningLevel.Yellow, 40))!;

        Assert.Equal(WorkflowOutcome.Done, outcome);
        Assert.Equal(AlertState.Closed, closed!.State);
        Assert.Equal(AlertChangeKind.Raised, second.Kind);
        Assert.NotEqual(first.AlertId, second.Alert.AlertId);
    }

    [Fact]
    public void Rules_keep_separate_alerts()
    {
        var book = new AlertBook("gp-1");

        book.Apply(At(WarningLevel.Yellow, 0, "ch4_lel.high"));
        book.Apply(At(WarningLevel.Red, 0, "pressure_kpa.low"));

        Assert.Equal(2, book.Alerts.Count);
        Assert.Equal(WarningLevel.Red, book.ActiveLevel);
    }

    [Fact]
    public void Unknown_and_foreign_alert_ids_are_not_found()
    {
        var book = new AlertBook("gp-1");
        var alert = book.Apply(At(WarningLevel.Yellow, 0))!.Alert;

        Assert.NotNull(book.Find(alert.AlertId));
        Assert.Null(book.Find("gp-2~ch4_lel.high~1"));
        Assert.Null(book.Find("nonsense"));
        Assert.Null(AlertBook.AssetIdOf("nonsense"));
    }
}
