using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Escalation;

public sealed class EscalationPolicyTests
{
    private static readonly EscalationPolicy Policy = EscalationPolicy.Default;

    private static EscalationClock Red(int steps = 0, DateTimeOffset? lastFired = null) =>
        new(WarningLevel.Red, T0, steps, lastFired);

    private static EscalationDecision Decide(EscalationClock clock, DateTimeOffset now, AlertState state = AlertState.Open) =>
        Policy.Decide(clock, state, now);

    [Theory]
    [InlineData(WarningLevel.Red, 5)]
    [InlineData(WarningLevel.Orange, 15)]
    [InlineData(WarningLevel.Yellow, 60)]
    public void The_first_step_is_due_one_acknowledgement_timeout_after_the_alert_opened(WarningLevel severity, int minutes)
    {
        var subject = new EscalationClock(severity, T0, 0, null);

        var early = Decide(subject, T0.AddMinutes(minutes).AddSeconds(-1));
        var onTime = Decide(subject, T0.AddMinutes(minutes));

        Assert.Equal(new EscalationDecision(false, null, T0.AddMinutes(minutes)), early);
        Assert.Equal(1, onTime.FireStep);
        Assert.Equal(T0.AddMinutes(2 * minutes), onTime.NextDue);
    }

    [Fact]
    public void Blue_alerts_never_escalate()
    {
        var decision = Decide(new EscalationClock(WarningLevel.Blue, T0, 0, null), T0.AddDays(1));

        Assert.Equal(EscalationDecision.Stop, decision);
    }

    [Theory]
    [InlineData(AlertState.Acknowledged)]
    [InlineData(AlertState.InProgress)]
    [InlineData(AlertState.Resolved)]
    [InlineData(AlertState.Closed)]
    public void Escalation_stops_once_the_alert_is_no_longer_open(AlertState state)
    {
        Assert.True(Decide(Red(steps: 1, lastFired: T0.AddMinutes(5)), T0.AddHours(1), state).Done);
    }

    [Fact]
    public void It_repeats_every_timeout_until_acknowledged()
    {
        var subject = Red();
        var fired = new List<(int Step, DateTimeOffset At)>();

        // A reminder ticking every minute for half an hour.
        for (var minute = 0; minute <= 30; minute++)
        {
            var now = T0.AddMinutes(minute);
            if (Decide(subject, now).FireStep is { } step)
            {
                fired.Add((step, now));
                subject = subject with { StepsFired = step, LastFiredAt = now };
            }
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], fired.Select(f => f.Step));
        Assert.Equal([5, 10, 15, 20, 25, 30], fired.Select(f => (int)(f.At - T0).TotalMinutes));
    }

    [Fact]
    public void Steps_missed_while_the_server_was_down_fire_once_not_in_a_burst()
    {
        // Down from minute 4 to minute 23: steps 1..4 were all due.
        var first = Decide(Red(), T0.AddMinutes(23));
        var soonAfter = Decide(Red(steps: 1, lastFired: T0.AddMinutes(23)), T0.AddMinutes(24));

        Assert.Equal(1, first.FireStep);
        Assert.Equal(T0.AddMinutes(28), first.NextDue);
        Assert.Null(soonAfter.FireStep);
        Assert.Equal(T0.AddMinutes(28), soonAfter.NextDue);
    }

    [Fact]
    public void An_upgrade_to_red_shortens_the_clock_at_once()
    {
        var yellow = new EscalationClock(WarningLevel.Yellow, T0, 0, null);

        Assert.Null(Decide(yellow, T0.AddMinutes(6)).FireStep);
        Assert.Equal(1, Decide(yellow with { Severity = WarningLevel.Red }, T0.AddMinutes(6)).FireStep);
    }

    [Fact]
    public void Timeouts_are_configurable_and_must_be_positive()
    {
        var fast = new EscalationPolicy(new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Red] = TimeSpan.FromMinutes(2) });

        Assert.Equal(1, fast.Decide(Red(), AlertState.Open, T0.AddMinutes(2)).FireStep);
        Assert.Null(fast.TimeoutFor(WarningLevel.Orange));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new EscalationPolicy(new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Red] = TimeSpan.Zero }));
    }

    [Fact]
    public void The_level_climbs_with_each_step_up_to_the_cap()
    {
        var policy = new EscalationPolicy(new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Red] = TimeSpan.FromMinutes(5) }, maxSteps: 3);

        Assert.Equal([1, 2, 3, 3, 3], Enumerable.Range(1, 5).Select(policy.LevelOf));
    }
}
