using RiskMonitor.Domain.Alerts;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Alerts;

public sealed class FlappingTests
{
    private const string Rule = "ch4_lel.high";

    private static RuleObservation At(WarningLevel level, double minutes) =>
        new(Rule, level, "ch4_lel", 12, T0.AddMinutes(minutes), T0.AddMinutes(minutes), null, "test");

    /// <summary>Raise at 0, clear at 1, return at 2, ...: <paramref name="changes"/> condition changes one minute apart.</summary>
    private static List<AlertChange> Cycle(AlertBook book, int changes, WarningLevel level = WarningLevel.Yellow, double start = 0)
    {
        var result = new List<AlertChange>();
        for (var i = 0; i < changes; i++)
        {
            if (book.Apply(At(i % 2 == 0 ? level : WarningLevel.None, start + i)) is { } change)
            {
                result.Add(change);
            }
        }

        return result;
    }

    [Fact]
    public void Four_changes_in_ten_minutes_are_not_flapping_and_the_fifth_sets_the_flag_on_the_same_alert()
    {
        var book = new AlertBook("gp-1");

        var changes = Cycle(book, 5);

        Assert.All(changes.Take(4), c => Assert.False(c.Alert.Flapping));
        Assert.True(changes[4].Alert.Flapping);
        Assert.Equal(T0.AddMinutes(4), changes[4].Alert.FlappingSince);
        Assert.Single(changes.Select(c => c.Alert.AlertId).Distinct());
        Assert.Single(book.Alerts);
        Assert.True(changes[4].Alert.ConditionActive); // the fifth change is a return: the real state still shows
    }

    [Fact]
    public void Changes_spread_wider_than_the_window_never_set_the_flag()
    {
        var book = new AlertBook("gp-1");
        var changes = new List<AlertChange>();
        for (var i = 0; i < 12; i++)
        {
            changes.Add(book.Apply(At(i % 2 == 0 ? WarningLevel.Yellow : WarningLevel.None, i * 3))!);
        }

        Assert.All(changes, c => Assert.False(c.Alert.Flapping));
        Assert.All(changes, c => Assert.True(c.Alert.ConditionChanges.Count <= 4));
    }

    [Fact]
    public void Condition_active_tracks_every_cycle_while_flapping()
    {
        var book = new AlertBook("gp-1");

        var changes = Cycle(book, 9);

        Assert.Equal(
            [true, false, true, false, true, false, true, false, true],
            changes.Select(c => c.Alert.ConditionActive));
        Assert.Equal(
            [AlertChangeKind.Raised, AlertChangeKind.Cleared, AlertChangeKind.Updated, AlertChangeKind.Cleared, AlertChangeKind.Updated],
            changes.Take(5).Select(c => c.Kind));
    }

    [Fact]
    public void A_resolved_flapping_alert_is_not_reopened_by_a_return_at_the_same_severity()
    {
        var book = new AlertBook("gp-1");
        var alertId = Cycle(book, 6)[0].Alert.AlertId; // flapping from the fifth change; the sixth clears it
        book.Handle(alertId, a => AlertWorkflow.Resolve(a, T0.AddMinutes(5.5)));

        var returned = book.Apply(At(WarningLevel.Yellow, 6))!;

        Assert.True(returned.Alert.Flapping);
        Assert.True(returned.Alert.ConditionActive);
        Assert.Equal(AlertState.Resolved, returned.Alert.State);
    }

    [Fact]
    public void A_worsening_to_a_higher_severity_reopens_a_resolved_flapping_alert_at_once()
    {
        var book = new AlertBook("gp-1");
        var alertId = Cycle(book, 6)[0].Alert.AlertId;
        book.Handle(alertId, a => AlertWorkflow.Resolve(a, T0.AddMinutes(5.5)));

        var worse = book.Apply(At(WarningLevel.Red, 6))!;

        Assert.Equal(AlertState.Open, worse.Alert.State);
        Assert.Equal(WarningLevel.Red, worse.Alert.Severity);
        Assert.True(worse.Alert.Flapping);
    }

    [Fact]
    public void An_upgrade_while_active_and_flapping_raises_the_severity()
    {
        var book = new AlertBook("gp-1");
        Cycle(book, 5); // flapping and active (yellow)

        var worse = book.Apply(At(WarningLevel.Red, 5))!;

        Assert.Equal(WarningLevel.Red, worse.Alert.Severity);
        Assert.Equal(AlertState.Open, worse.Alert.State);
    }

    [Fact]
    public void The_flag_drops_after_the_quiet_period_and_a_resolved_alert_still_burning_reopens()
    {
        var book = new AlertBook("gp-1");
        var alertId = Cycle(book, 6)[0].Alert.AlertId;
        book.Handle(alertId, a => AlertWorkflow.Resolve(a, T0.AddMinutes(5.5)));
        book.Apply(At(WarningLevel.Yellow, 6)); // the last change: returns, stays resolved while flapping

        var early = new List<AlertChange>();
        book.Tick(T0.AddMinutes(15.9), early);
        var late = new List<AlertChange>();
        book.Tick(T0.AddMinutes(16), late);

        Assert.Empty(early);
        var ended = Assert.Single(late);
        Assert.False(ended.Alert.Flapping);
        Assert.Null(ended.Alert.FlappingSince);
        Assert.Equal(AlertState.Open, ended.Alert.State);
        Assert.True(ended.Alert.ConditionActive);
    }

    [Fact]
    public void A_change_after_a_quiet_period_counts_afresh_even_without_a_tick()
    {
        var book = new AlertBook("gp-1");
        Cycle(book, 5); // flapping, last change at minute 4

        var later = book.Apply(At(WarningLevel.None, 30))!;

        Assert.False(later.Alert.Flapping);
        Assert.Single(later.Alert.ConditionChanges);
    }

    [Fact]
    public void The_policy_is_configurable()
    {
        var book = new AlertBook("gp-1", new FlapPolicy(3, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1)));

        var changes = Cycle(book, 3);

        Assert.True(changes[2].Alert.Flapping);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlapPolicy(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
    }
}

public sealed class IncidentLinkTests
{
    private static Alert Open() => new(
        "gp-1~r~1", "gp-1", "r", WarningLevel.Red, WarningLevel.Red, AlertState.Open, true, null, null, T0, T0, T0, null, null, "test");

    [Fact]
    public void An_alert_is_linked_once_and_a_closed_one_not_at_all()
    {
        var (outcome, linked) = AlertWorkflow.LinkIncident(Open(), "gp-0~r~0", T0.AddMinutes(1));
        var (again, _) = AlertWorkflow.LinkIncident(linked, "gp-9~r~9", T0.AddMinutes(2));
        var (closed, _) = AlertWorkflow.LinkIncident(Open() with { State = AlertState.Closed, ConditionActive = false }, "gp-0~r~0", T0.AddMinutes(2));

        Assert.Equal(WorkflowOutcome.Done, outcome);
        Assert.Equal("gp-0~r~0", linked.IncidentId);
        Assert.Equal(T0.AddMinutes(1), linked.UpdatedAt);
        Assert.Equal(WorkflowOutcome.NotAllowed, again);
        Assert.Equal(WorkflowOutcome.NotAllowed, closed);
    }
}
