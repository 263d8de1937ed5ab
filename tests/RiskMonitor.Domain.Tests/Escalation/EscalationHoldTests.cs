using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Escalation;

/// <summary>
/// The silence hold and the clock's start and restart rules on a fake clock: the policy reads the clock as it stands
/// (no rewritten copy), and the run below looks at it the way the escalation shard does.
/// </summary>
public sealed class EscalationHoldTests
{
    private static readonly EscalationPolicy Policy = EscalationPolicy.Default; // red: 5 minutes
    private static readonly SilenceSubject Pipe = new("gp-1", "gas_pipeline", ["district-1"]);

    private static Silence Window(double fromMinute, double toMinute, string id = "sil-1") =>
        new(id, SilenceScope.Asset, "gp-1", T0.AddMinutes(fromMinute), T0.AddMinutes(toMinute), "王工", "valve replacement", T0);

    [Fact]
    public void Nothing_fires_while_a_silence_holds_the_clock_and_the_first_step_follows_one_timeout_after_it()
    {
        var run = new ClockRun(Window(0, 20));

        run.LookEveryMinuteUntil(40);

        // Without the silence step 1 was due at 5; held to 20, it fires at 25, then the pace is one timeout.
        Assert.Equal([(1, 25), (2, 30), (3, 35), (4, 40)], run.Fired);
        Assert.Equal(1, run.HoldLines);
    }

    [Fact]
    public void Steps_fired_before_a_hold_are_kept_and_the_count_goes_on_after_it()
    {
        var run = new ClockRun(Window(12, 30));

        run.LookEveryMinuteUntil(45);

        // Steps 1 and 2 fire at 5 and 10; step 3 (due at 15) is held until 30 and fires one timeout after, at 35.
        Assert.Equal([(1, 5), (2, 10), (3, 35), (4, 40), (5, 45)], run.Fired);
        Assert.Equal(1, run.HoldLines);
    }

    [Fact]
    public void A_silence_ended_early_releases_the_clock_at_the_next_look()
    {
        var silence = Window(0, 60);
        var run = new ClockRun(silence);
        run.LookEveryMinuteUntil(9);

        run.Silences[0] = silence with { ExpiredAt = T0.AddMinutes(9.5) };
        run.LookEveryMinuteUntil(20);

        // Expired at 9.5, seen at the look at 10: the clock runs from 10, so step 1 is due at 15.
        Assert.Equal(T0.AddMinutes(10), run.Clock.HeldUntil);
        Assert.Equal([(1, 15), (2, 20)], run.Fired);
    }

    [Fact]
    public void A_second_silence_over_a_held_clock_writes_its_own_ledger_line_and_extends_the_hold()
    {
        var run = new ClockRun(Window(0, 10), Window(8, 30, id: "sil-2"));

        run.LookEveryMinuteUntil(35);

        Assert.Equal(2, run.HoldLines);
        Assert.Equal("sil-2", run.Clock.HeldBy);
        Assert.Equal([(1, 35)], run.Fired);
    }

    [Fact]
    public void The_boundary_instants_are_exact_the_step_fires_at_the_due_instant_and_not_a_tick_before()
    {
        var held = new EscalationClock(WarningLevel.Red, T0, 0, null).Hold(Window(0, 20), conditionActive: true, T0.AddMinutes(5), out _);
        var fresh = new EscalationClock(WarningLevel.Red, T0, 0, null);

        Assert.Null(Policy.Decide(fresh, AlertState.Open, T0.AddMinutes(5).AddTicks(-1)).FireStep);
        Assert.Equal(1, Policy.Decide(fresh, AlertState.Open, T0.AddMinutes(5)).FireStep);
        Assert.Null(Policy.Decide(held, AlertState.Open, T0.AddMinutes(25).AddTicks(-1)).FireStep);
        Assert.Equal(1, Policy.Decide(held, AlertState.Open, T0.AddMinutes(25)).FireStep);

        // At the silence's last instant the hold still runs; at its end it no longer does.
        Assert.True(held.HoldRunning(T0.AddMinutes(20).AddTicks(-1)));
        Assert.False(held.HoldRunning(T0.AddMinutes(20)));
    }

    [Fact]
    public void Silences_are_consulted_before_a_step_fires_and_while_a_hold_runs_not_otherwise()
    {
        var fresh = new EscalationClock(WarningLevel.Red, T0, 0, null);
        var held = fresh.Hold(Window(0, 20), conditionActive: true, T0.AddMinutes(5), out _);

        Assert.False(Policy.Decide(fresh, AlertState.Open, T0.AddMinutes(4)).ConsultSilences);
        Assert.True(Policy.Decide(fresh, AlertState.Open, T0.AddMinutes(5)).ConsultSilences);
        Assert.True(Policy.Decide(held, AlertState.Open, T0.AddMinutes(19)).ConsultSilences);
        Assert.False(Policy.Decide(held, AlertState.Open, T0.AddMinutes(21)).ConsultSilences);
        Assert.False(Policy.Decide(held, AlertState.Acknowledged, T0.AddMinutes(19)).ConsultSilences);
    }

    [Fact]
    public void A_held_clock_keeps_its_opening_and_steps_and_the_policy_reads_the_hold_from_it()
    {
        var held = new EscalationClock(WarningLevel.Red, T0, 2, T0.AddMinutes(10)).Hold(Window(0, 30), conditionActive: true, T0.AddMinutes(15), out _);

        var decision = Policy.Decide(held, AlertState.Open, T0.AddMinutes(20));

        // What is stored (and shown by GET /api/alerts/{id}/escalation) is the real opening and the real steps.
        Assert.Equal(new EscalationClock(WarningLevel.Red, T0, 2, T0.AddMinutes(10), T0.AddMinutes(30), "sil-1"), held);
        Assert.Equal(new EscalationDecision(false, null, T0.AddMinutes(35)) { ConsultSilences = true }, decision);
    }

    [Fact]
    public void A_re_raised_alert_restarts_its_clock_at_the_return_and_an_earlier_hold_no_longer_counts()
    {
        var firstEpisode = new EscalationClock(WarningLevel.Red, T0, 3, T0.AddMinutes(15))
            .Hold(Window(16, 30), conditionActive: true, T0.AddMinutes(20), out _);

        var moves = EscalationClock.Moves(AlertState.Resolved, WarningLevel.Red, AlertState.Open, WarningLevel.Red, T0, T0.AddMinutes(40), out var openedAt);
        var restarted = EscalationClock.Track(firstEpisode, WarningLevel.Red, T0, openedAt);

        Assert.True(moves);
        Assert.Equal(new EscalationClock(WarningLevel.Red, T0.AddMinutes(40), 0, null), restarted);
        Assert.True(restarted.OpenedFreshAt(openedAt)); // the ledger holds no step of this opening
        Assert.Null(Policy.Decide(restarted, AlertState.Open, T0.AddMinutes(44)).FireStep);
        Assert.Equal(1, Policy.Decide(restarted, AlertState.Open, T0.AddMinutes(45)).FireStep);
    }

    [Fact]
    public void A_hold_that_ended_before_the_clock_reopened_does_not_move_it()
    {
        var reopened = new EscalationClock(WarningLevel.Red, T0.AddMinutes(40), 0, null, HeldUntil: T0.AddMinutes(30), HeldBy: "sil-1");

        Assert.Equal(T0.AddMinutes(45), Policy.Decide(reopened, AlertState.Open, T0.AddMinutes(41)).NextDue);
    }

    [Fact]
    public void The_sweep_and_a_severity_change_keep_the_running_clock_and_its_hold()
    {
        var held = new EscalationClock(WarningLevel.Orange, T0, 1, T0.AddMinutes(15)).Hold(Window(0, 30), conditionActive: true, T0.AddMinutes(20), out _);

        var swept = EscalationClock.Track(held, WarningLevel.Orange, T0, openedAt: null);
        var upgraded = EscalationClock.Track(held, WarningLevel.Red, T0, openedAt: null);

        Assert.Same(held, swept);
        Assert.Equal(held.HeldUntil, upgraded.HeldUntil);
        Assert.Equal(T0.AddMinutes(35), Policy.Decide(upgraded, AlertState.Open, T0.AddMinutes(31)).NextDue); // red's 5 min after the hold
    }

    [Theory]
    [InlineData(AlertState.Open, WarningLevel.Red, true)]
    [InlineData(AlertState.Open, WarningLevel.Yellow, true)]
    [InlineData(AlertState.Open, WarningLevel.Blue, false)]
    [InlineData(AlertState.Acknowledged, WarningLevel.Red, false)]
    [InlineData(AlertState.Resolved, WarningLevel.Red, false)]
    public void A_clock_runs_only_for_an_open_alert_of_a_severity_that_escalates(AlertState state, WarningLevel severity, bool runs)
    {
        Assert.Equal(runs, Policy.Runs(state, severity));
    }

    [Fact]
    public void A_clock_old_enough_to_have_fired_is_counted_against_the_ledger_and_a_younger_one_is_not()
    {
        var clock = new EscalationClock(WarningLevel.Red, T0, 0, null);

        Assert.False(Policy.MayHaveFired(clock, T0.AddMinutes(5).AddTicks(-1)));
        Assert.True(Policy.MayHaveFired(clock, T0.AddMinutes(5)));
        Assert.False(Policy.MayHaveFired(clock with { Severity = WarningLevel.Blue }, T0.AddDays(1)));
    }

    /// <summary>One red alert (condition on) looked at each minute on a fake clock, with the given silences in force.</summary>
    private sealed class ClockRun(params Silence[] silences)
    {
        private readonly FakeTimeProvider _time = new(T0);

        public EscalationClock Clock { get; private set; } = new(WarningLevel.Red, T0, 0, null);

        public List<Silence> Silences { get; } = [.. silences];

        public List<(int Step, int Minute)> Fired { get; } = [];

        public int HoldLines { get; private set; }

        public void LookEveryMinuteUntil(int minute)
        {
            while (_time.GetUtcNow() < T0.AddMinutes(minute))
            {
                _time.Advance(TimeSpan.FromMinutes(1));
                Look(_time.GetUtcNow());
            }
        }

        private void Look(DateTimeOffset now)
        {
            var decision = Policy.Decide(Clock, AlertState.Open, now);
            if (decision.ConsultSilences)
            {
                Clock = Clock.Hold(Silence.Covering(Silences, Pipe, now), conditionActive: true, now, out var newSilence);
                HoldLines += newSilence ? 1 : 0;
                decision = Policy.Decide(Clock, AlertState.Open, now);
            }

            if (decision.FireStep is { } step)
            {
                Fired.Add((step, (int)(now - T0).TotalMinutes));
                Clock = Clock with { StepsFired = step, LastFiredAt = now };
            }
        }
    }
}
