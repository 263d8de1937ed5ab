using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Notifications;

namespace RiskMonitor.Storage.Alerts;

/// <summary>
/// The alert store of a server run without PostgreSQL (a demo, a unit test): the same contract, kept in memory, so
/// the ledger endpoints and the feed work, but nothing survives the process. Each change also appends its
/// <c>alert.*</c> event to <see cref="Feed"/> under the same lock.
/// </summary>
public sealed class InMemoryAlertStore : IAlertStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AlertView> _alerts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AlertLedgerEntry>> _ledger = new(StringComparer.Ordinal);

    public InMemoryAlertStore()
        : this(new InMemoryFeedLog(), new InMemoryNotificationOutbox())
    {
    }

    public InMemoryAlertStore(InMemoryFeedLog feed)
        : this(feed, new InMemoryNotificationOutbox())
    {
    }

    public InMemoryAlertStore(InMemoryFeedLog feed, InMemoryNotificationOutbox outbox)
    {
        Feed = feed;
        Outbox = outbox;
    }

    /// <summary>The feed this store appends to.</summary>
    public InMemoryFeedLog Feed { get; }

    /// <summary>The outbox escalation notices go to.</summary>
    public InMemoryNotificationOutbox Outbox { get; }

    public Task<bool> AppendEscalationAsync(string alertId, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        AppendNoticeAsync(alertId, AlertLedgerActions.Escalated, note, notice, at, cancellationToken);

    public Task<bool> AppendNoticeAsync(string alertId, string action, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        lock (_gate)
        {
            if (!_alerts.TryGetValue(alertId, out var alert))
            {
                return Task.FromResult(false);
            }

            Append(alertId, action, AlertLedgerActions.SystemActor, note, at, alert, alert);
            Outbox.Add(notice, at);
            return Task.FromResult(true);
        }
    }

    public Task<int> RecordAsync(AlertRecord change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            _alerts.TryGetValue(change.After.AlertId, out var before);
            _alerts[change.After.AlertId] = change.After;
            return Task.FromResult(Append(change.After.AlertId, change.Action, change.Actor, change.Note, change.At, before, change.After));
        }
    }

    public Task<bool> AppendAsync(string alertId, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_alerts.TryGetValue(alertId, out var alert))
            {
                return Task.FromResult(false);
            }

            Append(alertId, action, actor, note, at, alert, alert);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<AlertView>> LoadNotClosedAsync(string? assetId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AlertView>>(
                [.. _alerts.Values.Where(a => a.State != AlertState.Closed && (assetId is null || a.AssetId == assetId)).OrderBy(a => a.RaisedAt)]);
        }
    }

    public Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_alerts.GetValueOrDefault(alertId));
        }
    }

    public Task<IReadOnlyList<AlertLedgerEntry>> HistoryAsync(string alertId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AlertLedgerEntry>>(_ledger.TryGetValue(alertId, out var entries) ? [.. entries] : []);
        }
    }

    public Task<IReadOnlyList<AlertFacts>> KpiFactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AlertFacts>>([.. _alerts.Values
                .Where(a => a.RaisedAt >= from && a.RaisedAt < to)
                .OrderBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)
                .Select(a =>
                {
                    var entries = _ledger.GetValueOrDefault(a.AlertId) ?? [];
                    return new AlertFacts(
                        a.AlertId,
                        a.Severity,
                        a.RaisedAt,
                        entries.FirstOrDefault(e => e.Action is AlertLedgerActions.Acknowledged or AlertLedgerActions.WorkStarted)?.At,
                        entries.LastOrDefault(e => e.Action == AlertLedgerActions.Closed)?.At,
                        a.Cause,
                        entries.Count(e => e.Action == AlertLedgerActions.Escalated))
                    {
                        AssetId = a.AssetId,
                        RegionId = a.RegionId,
                    };
                })]);
        }
    }

    public Task<AlertQueryResult> QueryAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            var matches = _alerts.Values
                .Where(a => (query.State is null || a.State == query.State) && (query.AssetId is null || a.AssetId == query.AssetId) &&
                            (query.RegionId is null || a.RegionId == query.RegionId) && (query.MinSeverity is null || a.Severity >= query.MinSeverity) &&
                            (query.RaisedFrom is null || a.RaisedAt >= query.RaisedFrom) && (query.RaisedTo is null || a.RaisedAt < query.RaisedTo))
                .OrderByDescending(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(new AlertQueryResult(matches.Count, [.. matches.Skip(query.Offset).Take(query.Limit)]));
        }
    }

    public Task<IReadOnlyList<AlertView>> RaisedForAssetsAsync(
        IReadOnlyCollection<string> assetIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var wanted = assetIds.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AlertView>>(
                [.. _alerts.Values.Where(a => wanted.Contains(a.AssetId) && a.RaisedAt >= from && a.RaisedAt < to)
                    .OrderBy(a => a.AssetId, StringComparer.Ordinal).ThenBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)]);
        }
    }

    private int Append(string alertId, string action, string actor, string? note, DateTimeOffset at, AlertView? before, AlertView after)
    {
        if (!_ledger.TryGetValue(alertId, out var entries))
        {
            _ledger[alertId] = entries = [];
        }

        var sequence = entries.Count + 1;
        entries.Add(new AlertLedgerEntry(sequence, at, action, actor, note, before?.State, after.State, before, after));
        Feed.Append(FeedEventTypes.ForAlert(after, action), FeedEventTypes.AlertSchemaVersion, at, after.AssetId, after.RegionId,
            new AlertFeedPayload(action, actor, note, after).ToElement());
        return sequence;
    }
}
