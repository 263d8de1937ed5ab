using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>What a journal line asks of the system of record.</summary>
public enum AlertJournalKind
{
    /// <summary>An alert's new state with its ledger line and feed event (<see cref="IAlertStore.RecordAsync"/>).</summary>
    Record,

    /// <summary>A ledger line that changes no state, with its feed event (<see cref="IAlertStore.AppendAsync"/>).</summary>
    Append,

    /// <summary>An escalation step: its ledger line, its outbox notice and its feed event (<see cref="IAlertStore.AppendEscalationAsync"/>).</summary>
    Escalation,
}

/// <summary>
/// One alert change as the journal keeps it until PostgreSQL has it. <see cref="Position"/> is the node journal's own
/// order (strictly increasing, never reused), which is the order the changes are written in.
/// </summary>
public sealed record AlertJournalEntry(
    long Position,
    AlertJournalKind Kind,
    string AlertId,
    DateTimeOffset At,
    AlertRecord? Record = null,
    string? Action = null,
    string? Actor = null,
    string? Note = null,
    EscalationNotice? Notice = null)
{
    public static AlertJournalEntry ForRecord(AlertRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(0, AlertJournalKind.Record, record.After.AlertId, record.At, Record: record);
    }

    public static AlertJournalEntry ForAppend(string alertId, string action, string actor, string? note, DateTimeOffset at) =>
        new(0, AlertJournalKind.Append, alertId, at, Action: action, Actor: actor, Note: note);

    public static AlertJournalEntry ForEscalation(string alertId, string note, EscalationNotice notice, DateTimeOffset at) =>
        ForNotice(alertId, AlertLedgerActions.Escalated, note, notice, at);

    /// <summary>A ledger line with a notice for the outbox (an escalation step, or a responsible party told).</summary>
    public static AlertJournalEntry ForNotice(string alertId, string action, string note, EscalationNotice notice, DateTimeOffset at) =>
        new(0, AlertJournalKind.Escalation, alertId, at, Action: action, Actor: AlertLedgerActions.SystemActor, Note: note, Notice: notice);
}
