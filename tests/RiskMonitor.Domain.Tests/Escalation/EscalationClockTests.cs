using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Escalation;

public sealed class EscalationClockTests
{
    private static readonly EscalationPolicy Policy = EscalationPolicy.Default;

    private static Silence SilenceUntil(double minutes, string id = "sil-1") =>
        new(id, SilenceScope.Asset, "gp-1", T0, T0.AddMinutes(minutes), "王工", "valve replacement", T0);

    private static EscalationDecision Decide(EscalationClock clock, DateTimeOffset now) =>
        Policy.Decide(clock, AlertState.Open, now);

    [Fact]
    public void A_new_alert_opens_its_clock_at_the_raise_and_a_returning_one_at_the_change()
    {
        var raised = EscalationClock.Moves(null, null, AlertState.Open, WarningLevel.Red, T0, T0, out var openedAtRaise);
        var reopened = EscalationClock.Moves(AlertState.Resolved, WarningLevel.Red, AlertState.Open, WarningLevel.Red, T0, T0.AddMinutes(9), out var openedAtReturn);

        Assert.True(raised);
        Assert.Equal(T0, openedAtRaise);
        Assert.True(reopened);
        Assert.Equal(T0.AddMinutes(9), openedAtReturn);
    }

    [Fact]
    public void A_value_change_of_an_open_alert_leaves_the_clock_alone_and_a_severity_change_moves_it()
    {
        var sameLevel = EscalationClock.Moves(AlertState.Open, WarningLevel.Red, AlertState.Open, WarningLevel.Red, T0, T0.AddMinutes(1), out var keep);
        var upgraded = EscalationClock.Moves(AlertState.Open, WarningLevel.Orange, AlertState.Open, WarningLevel.Red, T0, T0.AddMinutes(1), out var upgradeOpened);
        var acknowledged = EscalationClock.Moves(AlertState.Open, WarningLevel.Red, AlertState.Acknowledged, WarningLevel.Red, T0, T0.AddMinutes(1), out _);
        var laterStep = EscalationClock.Moves(AlertState.Acknowledged, WarningLevel.Red, AlertState.InProgress, WarningLevel.Red, T0, T0.AddMinutes(2), out _);

        Assert.False(sameLevel);
        Assert.Null(keep);
        Assert.True(upgraded);
        Assert.Null(upgradeOpened); // the running clock continues, shortened by the policy
        Assert.True(acknowledged); // stops the clock
        Assert.False(laterStep); // no clock ran, none starts
    }

    [Fact]
    public void Tracking_keeps_a_running_clock_and_restarts_it_on_a_reopen()
    {
        var running = new EscalationClock(WarningLevel.Orange, T0, 1, T0.AddMinutes(15));

        var swept = EscalationClock.Track(running, WarningLevel.Orange, T0, null);
        var upgraded = EscalationClock.Track(running, WarningLevel.Red, T0, null);
        var reopened = EscalationClock.Track(running, WarningLevel.Red, T0, T0.AddMinutes(40));
        var fresh = EscalationClock.Track(null, WarningLevel.Red, T0, null);

        Assert.Same(running, swept);
        Assert.Equal(running with { Severity = WarningLevel.Red }, upgraded);
        Assert.Equal(new EscalationClock(WarningLevel.Red, T0.AddMinutes(40), 0, null), reopened);
        Assert.Equal(new EscalationClock(WarningLevel.Red, T0, 0, null), fresh); // the sweep's best guess: the raise
    }

    [Fact]
    public void A_silence_holds_the_first_step_until_one_timeout_after_it_ends_and_later_steps_keep_their_pace()
    {
        var clock = new EscalationClock(WarningLevel.Red, T0, 0, null).Hold(SilenceUntil(20), conditionActive: true, T0.AddMinutes(5), out var first);
        var heldAgain = clock.Hold(SilenceUntil(20), conditionActive: true, T0.AddMinutes(6), out var again);
        var atEnd = Decide(clock, T0.AddMinutes(24.9));
        var fire = Decide(clock, T0.AddMinutes(25));
        var afterFirst = clock with { StepsFired = 1, LastFiredAt = T0.AddMinutes(25) };

        Assert.True(first);
        Assert.False(again); // one ledger line per silence
        Assert.Equal(clock, heldAgain);
        Assert.Null(atEnd.FireStep);
        Assert.Equal(1, fire.FireStep);

        // Once a step fired after the hold, the next is one timeout after it, not at once.
        Assert.Equal(new EscalationDecision(false, null, T0.AddMinutes(30)), Decide(afterFirst, T0.AddMinutes(25)));
        Assert.Equal(2, Decide(afterFirst, T0.AddMinutes(30)).FireStep);
    }

    [Fact]
    public void A_silence_ended_early_lets_the_clock_run_from_then()
    {
        var held = new EscalationClock(WarningLevel.Red, T0, 0, null).Hold(SilenceUntil(60), conditionActive: true, T0.AddMinutes(5), out _);

        var released = held.Hold(covering: null, conditionActive: true, T0.AddMinutes(11), out var newSilence);

        Assert.False(newSilence);
        Assert.Equal(T0.AddMinutes(11), released.HeldUntil);
        Assert.Equal(T0.AddMinutes(16), Decide(released, T0.AddMinutes(11)).NextDue);
    }

    [Fact]
    public void A_held_alert_whose_condition_cleared_stays_held_until_the_condition_returns()
    {
        var held = new EscalationClock(WarningLevel.Red, T0, 0, null).Hold(SilenceUntil(10), conditionActive: true, T0.AddMinutes(5), out _);

        var clearedAt15 = held.Hold(covering: null, conditionActive: false, T0.AddMinutes(15), out _);
        var backAt19 = clearedAt15.Hold(covering: null, conditionActive: true, T0.AddMinutes(19), out _);

        Assert.Null(Decide(clearedAt15, T0.AddMinutes(15)).FireStep);
        Assert.Equal(T0.AddMinutes(20), Decide(clearedAt15, T0.AddMinutes(15)).NextDue);
        Assert.Equal(T0.AddMinutes(15), backAt19.HeldUntil); // the hold is not extended once the condition is back
    }

    [Fact]
    public void Steps_in_the_ledger_count_when_the_clock_knew_fewer()
    {
        var clock = new EscalationClock(WarningLevel.Red, T0, 1, T0.AddMinutes(5));

        var counted = clock.WithLedgerSteps(2, T0.AddMinutes(10));
        var fewer = clock.WithLedgerSteps(0, null);

        Assert.Equal(clock with { StepsFired = 2, LastFiredAt = T0.AddMinutes(10) }, counted);
        Assert.Same(clock, fewer);
        Assert.Equal(T0.AddMinutes(15), Decide(counted, T0.AddMinutes(12)).NextDue);
    }
}
