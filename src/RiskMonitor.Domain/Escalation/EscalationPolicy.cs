using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Escalation;

/// <summary>
/// When an unacknowledged alert escalates (DESIGN.md §6): step n is due n acknowledgement timeouts after the alert
/// (re)opened, and never sooner than one timeout after the previous step, so steps missed while the server was down
/// are not fired in a burst. Escalation stops the moment the alert leaves <see cref="AlertState.Open"/>. Pure: the
/// caller passes the time in.
/// </summary>
public sealed class EscalationPolicy
{
    private readonly Dictionary<WarningLevel, TimeSpan> _timeouts;

    /// <param name="acknowledgementTimeouts">Per severity; a severity without one (blue, by default) never escalates.</param>
    /// <param name="maxSteps">After this many steps the alert keeps its last notification pattern but stops climbing.</param>
    public EscalationPolicy(IReadOnlyDictionary<WarningLevel, TimeSpan> acknowledgementTimeouts, int maxSteps = 12)
    {
        ArgumentNullException.ThrowIfNull(acknowledgementTimeouts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        foreach (var (level, timeout) in acknowledgementTimeouts)
        {
            if (timeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(acknowledgementTimeouts), timeout, $"The {level} timeout must be positive.");
            }
        }

        _timeouts = new Dictionary<WarningLevel, TimeSpan>(acknowledgementTimeouts);
        MaxSteps = maxSteps;
    }

    /// <summary>DESIGN.md §6 defaults: red 5 min, orange 15 min, yellow 60 min; blue (sensor health) does not escalate.</summary>
    public static EscalationPolicy Default { get; } = new(new Dictionary<WarningLevel, TimeSpan>
    {
        [WarningLevel.Red] = TimeSpan.FromMinutes(5),
        [WarningLevel.Orange] = TimeSpan.FromMinutes(15),
        [WarningLevel.Yellow] = TimeSpan.FromMinutes(60),
    });

    public int MaxSteps { get; }

    public TimeSpan? TimeoutFor(WarningLevel severity) => _timeouts.TryGetValue(severity, out var timeout) ? timeout : null;

    /// <summary>
    /// True when an alert in <paramref name="state"/> with <paramref name="severity"/> has a running clock: it is open and
    /// its severity has an acknowledgement timeout. Anything else stops (or never starts) the clock.
    /// </summary>
    public bool Runs(AlertState state, WarningLevel severity) => state == AlertState.Open && _timeouts.ContainsKey(severity);

    /// <summary>
    /// What to do now for one alert, read from its clock as it stands: the rules for a silence's hold live here, not in
    /// a rewritten copy of the clock. While a hold runs nothing fires; once it has ended, escalation starts afresh: the
    /// next step is one timeout after the hold's end (the way the first step follows the opening of an alert), and the
    /// steps after that keep their pace from the last one fired.
    /// </summary>
    public EscalationDecision Decide(EscalationClock clock, AlertState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (!Runs(state, clock.Severity))
        {
            return EscalationDecision.Stop;
        }

        var timeout = _timeouts[clock.Severity];
        var step = clock.StepsFired + 1;
        var due = DueOf(clock, step, timeout);
        if (now < due)
        {
            // While a hold runs, its silence may be ended early or another may extend it: the caller looks at silences.
            return new EscalationDecision(false, null, due) { ConsultSilences = clock.HoldRunning(now) };
        }

        // Repeat until acknowledged: past the last level the same recipients are reminded at the same pace. The silences
        // in force are looked at before the step fires, since one may hold it.
        var after = clock with { StepsFired = step, LastFiredAt = now };
        return new EscalationDecision(false, step, DueOf(after, step + 1, timeout)) { ConsultSilences = true };
    }

    /// <summary>The level up the grid a step reaches: step 1 is one level above the alert's own region, capped at <see cref="MaxSteps"/>.</summary>
    public int LevelOf(int step) => Math.Min(step, MaxSteps);

    /// <summary>
    /// True when the clock is old enough that a step may have fired that its stored copy does not show (a crash between
    /// the ledger write and the clock's write-behind), so the ledger is counted before anything is said about it.
    /// </summary>
    public bool MayHaveFired(EscalationClock clock, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return TimeoutFor(clock.Severity) is { } timeout && clock.OpenSince + timeout <= now;
    }

    /// <summary>When step <paramref name="step"/> (the next one or later) of <paramref name="clock"/> falls due.</summary>
    private static DateTimeOffset DueOf(EscalationClock clock, int step, TimeSpan timeout)
    {
        // A hold that ended after the clock opened and after the last step fired restarts the pace from its end.
        if (clock.HeldUntil is { } held && held > clock.OpenSince && !(clock.LastFiredAt >= held))
        {
            return held + (timeout * (step - clock.StepsFired));
        }

        var scheduled = clock.OpenSince + (timeout * step);
        return clock.LastFiredAt is { } last && last + timeout > scheduled ? last + timeout : scheduled;
    }
}

/// <param name="Done">True when escalation is over for this alert (acknowledged or later, or a severity that never escalates).</param>
/// <param name="FireStep">The step to fire now (1-based), or null.</param>
/// <param name="NextDue">When to look again, or null when done.</param>
public sealed record EscalationDecision(bool Done, int? FireStep, DateTimeOffset? NextDue)
{
    /// <summary>
    /// True when a silence may change this decision: a step is about to fire or a hold runs. The caller then looks up the
    /// silence covering the alert, applies it with <see cref="EscalationClock.Hold"/> and decides again.
    /// </summary>
    public bool ConsultSilences { get; init; }

    public static EscalationDecision Stop { get; } = new(true, null, null);
}
