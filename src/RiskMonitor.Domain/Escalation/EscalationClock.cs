using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Escalation;

/// <summary>
/// The escalation clock of one open alert: when it (re)opened, the steps fired since, and a silence's hold. Immutable;
/// the rules that start, restart and hold it are here, and <see cref="EscalationPolicy.Decide"/> reads what is due from
/// it as it stands, so that the grain that keeps many clocks only stores and wakes them
/// (docs/decisions/0034-escalation-clock-shards.md, 0047-pure-escalation-and-stored-alert-shape.md).
/// </summary>
/// <param name="HeldUntil">A silence holds the clock until then (docs/decisions/0017-noise-control.md); null when never held.</param>
/// <param name="HeldBy">The silence that last held a step; its ledger line is written once per silence.</param>
public sealed record EscalationClock(
    WarningLevel Severity,
    DateTimeOffset OpenSince,
    int StepsFired,
    DateTimeOffset? LastFiredAt,
    DateTimeOffset? HeldUntil = null,
    string? HeldBy = null)
{
    /// <summary>
    /// When a change of an alert moves its clock. A new alert opens at its raise; an alert that comes back to open
    /// (a resolved alert that returns) reopens at the change; a severity change while open keeps the clock running
    /// (the policy shortens it for an upgrade). Returns false when the change does not concern the clock at all.
    /// </summary>
    /// <param name="openedAt">When the alert (re)entered open, or null when it was open before and stays open.</param>
    public static bool Moves(
        AlertState? stateBefore, WarningLevel? severityBefore, AlertState stateAfter, WarningLevel severityAfter,
        DateTimeOffset raisedAt, DateTimeOffset updatedAt, out DateTimeOffset? openedAt)
    {
        openedAt = stateBefore is null ? raisedAt : stateBefore != AlertState.Open ? updatedAt : null;
        if (stateAfter != AlertState.Open && stateBefore != AlertState.Open)
        {
            return false; // no clock was running and none starts
        }

        // Leaving open (acknowledged or later) stops the clock; entering it starts one; a severity change moves it.
        return stateAfter != AlertState.Open || openedAt is not null || severityBefore != severityAfter;
    }

    /// <summary>
    /// The clock after the alert was seen open with <paramref name="severity"/>: a fresh one when none runs or when it
    /// reopened at another time than the running clock's, otherwise the running one with the new severity.
    /// </summary>
    /// <param name="openedAt">When it (re)entered open, or null to keep the running clock (the sweep, a severity change).</param>
    public static EscalationClock Track(EscalationClock? current, WarningLevel severity, DateTimeOffset raisedAt, DateTimeOffset? openedAt)
    {
        if (current is null || (openedAt is { } opened && opened != current.OpenSince))
        {
            return new EscalationClock(severity, openedAt ?? current?.OpenSince ?? raisedAt, 0, null);
        }

        return current.Severity == severity ? current : current with { Severity = severity };
    }

    /// <summary>
    /// A step is due (or a hold is running): a silence in force that covers the alert holds the clock until the silence
    /// ends. An alert that a silence held and whose condition cleared meanwhile stays held until the condition returns
    /// ("when the silence ends with the condition still on, escalation starts"). A silence ended early lets the clock
    /// run from now.
    /// </summary>
    /// <param name="covering">The silence in force covering the alert now (<see cref="Silence.Covering"/>), or null.</param>
    /// <param name="newSilence">True when <paramref name="covering"/> holds this clock for the first time: write its ledger line.</param>
    public EscalationClock Hold(Silence? covering, bool conditionActive, DateTimeOffset now, out bool newSilence)
    {
        newSilence = false;
        DateTimeOffset? holdUntil = covering is not null ? covering.EffectiveEnd : HeldBy is not null && !conditionActive ? now : null;
        if (holdUntil is null)
        {
            return HeldUntil > now ? this with { HeldUntil = now } : this;
        }

        var heldBy = HeldBy;
        if (covering is not null && covering.SilenceId != HeldBy)
        {
            newSilence = true;
            heldBy = covering.SilenceId;
        }

        return this with { HeldUntil = holdUntil, HeldBy = heldBy };
    }

    /// <summary>True while a hold may still change what is due, so the clock is looked at on its hold's end too.</summary>
    public bool HoldRunning(DateTimeOffset now) => HeldUntil > now;

    /// <summary>
    /// True when this clock was (re)opened at <paramref name="openedAt"/> and has fired nothing: the alert's ledger can
    /// hold no step of it, so there is nothing to count there before its first step.
    /// </summary>
    public bool OpenedFreshAt(DateTimeOffset? openedAt) => openedAt == OpenSince && StepsFired == 0;

    /// <summary>
    /// The clock with the steps the alert's ledger shows since it opened: the ledger is the record, so a step written
    /// there before a crash (and lost from the clock's stored copy) is not fired twice.
    /// </summary>
    public EscalationClock WithLedgerSteps(int stepsInLedger, DateTimeOffset? lastInLedger) =>
        stepsInLedger > StepsFired ? this with { StepsFired = stepsInLedger, LastFiredAt = lastInLedger } : this;
}
