using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Storage.Alerts;

/// <summary>
/// The system of record for alerts (DESIGN.md §6): the current state of every alert and an append-only ledger of
/// every change. Each change is written in one transaction, state and ledger line together; nothing is deleted.
/// </summary>
public interface IAlertStore
{
    /// <summary>Writes the alert's new state and its ledger line, atomically. Returns the ledger sequence number.</summary>
    Task<int> RecordAsync(AlertRecord change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a ledger line that changes no state (an escalation, a report to the authority). False for an unknown alert.
    /// </summary>
    Task<bool> AppendAsync(string alertId, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds the <c>escalated</c> ledger line of one escalation step and its notice to the notification outbox, in one
    /// transaction: a step is never in the record without its notice, nor a notice out without its step. False for an
    /// unknown alert.
    /// </summary>
    Task<bool> AppendEscalationAsync(string alertId, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="AppendEscalationAsync"/> for a notice that is not an escalation step of the grid (a responsible
    /// party told, issue 20): its ledger line carries <paramref name="action"/>, so the escalation clocks, which count
    /// <c>escalated</c> lines, do not count it. Ledger line, outbox notice and feed event in one transaction.
    /// </summary>
    Task<bool> AppendNoticeAsync(string alertId, string action, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every alert not yet closed, optionally of one asset: what a grain or the alert board starts from.</summary>
    Task<IReadOnlyList<AlertView>> LoadNotClosedAsync(string? assetId, CancellationToken cancellationToken = default);

    Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default);

    /// <summary>The alert's ledger, oldest first; empty for an unknown alert.</summary>
    Task<IReadOnlyList<AlertLedgerEntry>> HistoryAsync(string alertId, CancellationToken cancellationToken = default);

    /// <summary>The KPI facts (first acknowledgement, close, cause, escalation steps) of the alerts raised in [from, to).</summary>
    Task<IReadOnlyList<AlertFacts>> KpiFactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Alerts in any state (closed ones included), newest first.</summary>
    Task<AlertQueryResult> QueryAsync(AlertQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every alert (any state) of the given assets raised in [<paramref name="from"/>, <paramref name="to"/>), by asset
    /// and then oldest first: what a backtest or a threshold suggestion holds its replay against, read in one pass
    /// rather than a query per asset (docs/decisions/0067).
    /// </summary>
    Task<IReadOnlyList<AlertView>> RaisedForAssetsAsync(
        IReadOnlyCollection<string> assetIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

public sealed record AlertQuery(
    AlertState? State = null,
    string? AssetId = null,
    string? RegionId = null,
    WarningLevel? MinSeverity = null,
    DateTimeOffset? RaisedFrom = null,
    DateTimeOffset? RaisedTo = null,
    int Offset = 0,
    int Limit = 100);

public sealed record AlertQueryResult(int Total, IReadOnlyList<AlertView> Items);
