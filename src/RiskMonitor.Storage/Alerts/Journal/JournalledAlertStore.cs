using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>
/// The alert store as deployed: changes go to the node's <see cref="AlertJournal"/> (durable on local disk, in order)
/// and reach PostgreSQL through the group-commit writer, so recording an alert never waits for PostgreSQL. Reads come
/// from PostgreSQL with the journalled, not yet written state of each alert laid over them.
/// </summary>
internal sealed class JournalledAlertStore(PostgresAlertStore inner, AlertJournal journal) : IAlertStore
{
    /// <summary>How long a ledger read waits for earlier changes to reach PostgreSQL (milliseconds when it answers).</summary>
    private static readonly TimeSpan ReadYourWritesWait = TimeSpan.FromSeconds(2);

    /// <summary>Returns 0: the ledger sequence is drawn when PostgreSQL takes the change, in journal order.</summary>
    public async Task<int> RecordAsync(AlertRecord change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await journal.AppendAsync(AlertJournalEntry.ForRecord(change), cancellationToken);
        return 0;
    }

    public async Task<bool> AppendAsync(
        string alertId, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (!await KnownAsync(alertId, cancellationToken))
        {
            return false;
        }

        await journal.AppendAsync(AlertJournalEntry.ForAppend(alertId, action, actor, note, at), cancellationToken);
        return true;
    }

    public Task<bool> AppendEscalationAsync(
        string alertId, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        AppendNoticeAsync(alertId, AlertLedgerActions.Escalated, note, notice, at, cancellationToken);

    public async Task<bool> AppendNoticeAsync(
        string alertId, string action, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (!await KnownAsync(alertId, cancellationToken))
        {
            return false;
        }

        await journal.AppendAsync(AlertJournalEntry.ForNotice(alertId, action, note, notice, at), cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<AlertView>> LoadNotClosedAsync(string? assetId, CancellationToken cancellationToken = default)
    {
        // The journal first: a change the writer takes in between is then either still in this copy or already in
        // what PostgreSQL returns, never in neither.
        var journalled = journal.LatestOfAsset(assetId);
        var stored = await inner.LoadNotClosedAsync(assetId, cancellationToken);
        if (journalled.Count == 0)
        {
            return stored;
        }

        var merged = stored.ToDictionary(a => a.AlertId, StringComparer.Ordinal);
        foreach (var alert in journalled)
        {
            if (alert.State == AlertState.Closed)
            {
                merged.Remove(alert.AlertId);
            }
            else
            {
                merged[alert.AlertId] = alert;
            }
        }

        return [.. merged.Values.OrderBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)];
    }

    public async Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default) =>
        journal.TryGetLatest(alertId, out var latest) ? latest : await inner.FindAsync(alertId, cancellationToken);

    // The ledger, KPIs and queries are PostgreSQL's: a change joins them once the writer has it. A reader first waits
    // (briefly) for what was journalled before it asked, so a person who has just acknowledged sees the step in the
    // history; while PostgreSQL is behind or down the read goes ahead and says what PostgreSQL has (or fails with 503).
    public async Task<IReadOnlyList<AlertLedgerEntry>> HistoryAsync(string alertId, CancellationToken cancellationToken = default)
    {
        await CatchUpAsync(cancellationToken);
        return await inner.HistoryAsync(alertId, cancellationToken);
    }

    public async Task<IReadOnlyList<AlertFacts>> KpiFactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await CatchUpAsync(cancellationToken);
        return await inner.KpiFactsAsync(from, to, cancellationToken);
    }

    public async Task<AlertQueryResult> QueryAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        await CatchUpAsync(cancellationToken);
        return await inner.QueryAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<AlertView>> RaisedForAssetsAsync(
        IReadOnlyCollection<string> assetIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await CatchUpAsync(cancellationToken);
        return await inner.RaisedForAssetsAsync(assetIds, from, to, cancellationToken);
    }

    private Task CatchUpAsync(CancellationToken cancellationToken) =>
        journal.WaitForCheckpointAsync(journal.LastPosition, ReadYourWritesWait, cancellationToken);

    private async Task<bool> KnownAsync(string alertId, CancellationToken cancellationToken) =>
        journal.TryGetLatest(alertId, out _) || await inner.FindAsync(alertId, cancellationToken) is not null;
}
