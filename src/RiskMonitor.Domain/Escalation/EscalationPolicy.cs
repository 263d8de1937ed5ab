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

    /// <summary>What to do now for one alert.</summary>
    public EscalationDecision Decide(EscalationSubject subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.State != AlertState.Open || TimeoutFor(subject.Severity) is not { } timeout)
        {
            return EscalationDecision.Stop;
        }

        var due = DueOf(subject.StepsFired + 1, subject, timeout);
        if (now < due)
        {
            return new EscalationDecision(false, null, due);
        }

        // Repeat until acknowledged: past the last level the same recipients are reminded at the same pace.
        var step = subject.StepsFired + 1;
        var after = subject with { StepsFired = step, LastFiredAt = now };
        return new EscalationDecision(false, step, DueOf(step + 1, after, timeout));
    }

    /// <summary>The level up the grid a step reaches: step 1 is one level above the alert's own region, capped at <see cref="MaxSteps"/>.</summary>
    public int LevelOf(int step) => Math.Min(step, MaxSteps);

    private static DateTimeOffset DueOf(int step, EscalationSubject subject, TimeSpan timeout)
    {
        var scheduled = subject.OpenSince + (timeout * step);
        return subject.LastFiredAt is { } last && last + timeout > scheduled ? last + timeout : scheduled;
    }
}

/// <summary>What the policy looks at: the alert's severity and state, when it (re)opened, and the steps fired since.</summary>
public sealed record EscalationSubject(
    WarningLevel Severity,
    AlertState State,
    DateTimeOffset OpenSince,
    int StepsFired,
    DateTimeOffset? LastFiredAt);

/// <param name="Done">True when escalation is over for this alert (acknowledged or later, or a severity that never escalates).</param>
/// <param name="FireStep">The step to fire now (1-based), or null.</param>
/// <param name="NextDue">When to look again, or null when done.</param>
public sealed record EscalationDecision(bool Done, int? FireStep, DateTimeOffset? NextDue)
{
    public static EscalationDecision Stop { get; } = new(true, null, null);
}
