using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Drills;

/// <summary>
/// What is an exercise (演练) and what is kept apart from the real record: an alert is one exactly when its id names a
/// drill key (<see cref="DrillKey"/>), so the flag cannot be lost or forged on the way: it is the alert's identity.
/// </summary>
public static class Exercise
{
    /// <summary>The mark every drill message starts with, in both languages, so no reader takes it for a real one.</summary>
    public const string Label = "【演练 EXERCISE】";

    /// <summary>True when the alert belongs to a drill.</summary>
    public static bool IsExerciseAlert(string alertId) => DrillKey.IsDrill(AlertBook.AssetIdOf(alertId));

    /// <summary>The text with the mark in front; a text that has it already is left as it is.</summary>
    public static string Mark(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith(Label, StringComparison.Ordinal) ? text : Label + text;
    }

    /// <summary>The text marked when <paramref name="exercise"/>, else unchanged.</summary>
    public static string MarkIf(bool exercise, string text) => exercise ? Mark(text) : text;

    /// <summary>
    /// The facts the KPIs and circulars count: drill alerts are left out, so a drill never improves (or spoils) a
    /// response time, a count or a ranking.
    /// </summary>
    public static IEnumerable<AlertFacts> RealOnly(IEnumerable<AlertFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.Where(f => !IsExerciseAlert(f.AlertId));
    }

    /// <summary>
    /// Closes a drill alert when its drill ends, whatever its state: the injected condition is gone with the drill, and
    /// an exercise must not keep paging anyone. A real alert is refused, so ending a drill can never close a real one.
    /// </summary>
    public static (WorkflowOutcome Outcome, Alert Alert) EndAlert(Alert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return !IsExerciseAlert(alert.AlertId) || alert.IsClosed
            ? (WorkflowOutcome.NotAllowed, alert)
            : (WorkflowOutcome.Done, alert with
            {
                State = AlertState.Closed,
                ConditionActive = false,
                Level = WarningLevel.None,
                ClearedAt = alert.ClearedAt ?? now,
                UpdatedAt = now,
            });
    }
}
