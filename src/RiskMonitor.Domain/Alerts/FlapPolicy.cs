namespace RiskMonitor.Domain.Alerts;

/// <summary>
/// When an alert is flapping: its condition went on or off at least <see cref="Transitions"/> times within
/// <see cref="Window"/>; the flag drops once no change came for <see cref="QuietPeriod"/> (docs/decisions/0017-noise-control.md).
/// Defaults: 5 changes in 10 minutes (two and a half raise/clear cycles: more than a real leak or a stuck lift does,
/// what a sensor sitting on its threshold does), quiet for 10 minutes. Pure configuration; the alert book applies it.
/// </summary>
public sealed record FlapPolicy
{
    public FlapPolicy(int transitions, TimeSpan window, TimeSpan quietPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(transitions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(quietPeriod, TimeSpan.Zero);
        Transitions = transitions;
        Window = window;
        QuietPeriod = quietPeriod;
    }

    public static FlapPolicy Default { get; } = new(5, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    /// <summary>Condition changes (raise, clear, return) within <see cref="Window"/> that make an alert flapping.</summary>
    public int Transitions { get; }

    public TimeSpan Window { get; }

    /// <summary>How long an alert must stay without a condition change before the flag drops.</summary>
    public TimeSpan QuietPeriod { get; }

    /// <summary>
    /// The alert after a condition change at <paramref name="now"/>: the change is counted (older ones than the window
    /// are forgotten, the newest is always kept for the quiet period) and the flag set or kept.
    /// </summary>
    public Alert CountChange(Alert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var previous = alert.ConditionChanges.Count > 0 ? alert.ConditionChanges[^1] : (DateTimeOffset?)null;
        var changes = alert.ConditionChanges.Where(t => now - t < Window).Append(now).ToArray();
        // A flag set earlier holds only while changes keep coming within the quiet period.
        var stillFlapping = alert.Flapping && previous is { } last && now - last < QuietPeriod;
        var flapping = stillFlapping || changes.Length >= Transitions;
        return alert with
        {
            ConditionChanges = changes,
            Flapping = flapping,
            FlappingSince = flapping ? alert.FlappingSince ?? now : null,
        };
    }

    /// <summary>True when a flapping alert has been quiet long enough for its flag to drop.</summary>
    public bool QuietSince(Alert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Flapping && (alert.ConditionChanges.Count == 0 || now - alert.ConditionChanges[^1] >= QuietPeriod);
    }
}
