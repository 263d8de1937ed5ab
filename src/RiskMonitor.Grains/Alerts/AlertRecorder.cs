using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Storage.Alerts;

namespace RiskMonitor.Grains.Alerts;

/// <summary>
/// An asset grain's link to the alert system of record. Every alert change is written to <see cref="IAlertStore"/>
/// (as deployed: the node's alert journal, durable on disk) before the grain tells anyone or writes its own state, and the
/// alerts an activation starts from are read back from the store, not from grain state: a crash between the two
/// writes can never make the grain forget an alert the store knows.
/// </summary>
internal sealed class AlertRecorder(IAlertStore store, AssetIdentity identity, Action<AlertView, AlertView?> afterRecord, Action onStoreFailure)
{
    /// <summary>What each recorded alert says of its asset; replaced when the registry changes the asset.</summary>
    public AssetIdentity Identity { get; set; } = identity;

    // Made with the first alert recorded or restored: most assets have none, and an empty dictionary in each was 80 B
    // per active asset (issue 22: heap per asset <= 4 KB).
    private Dictionary<string, AlertView>? _last;

    /// <summary>Whether the recorder holds any alert's last recorded view (one that a later change must name as its "before").</summary>
    public bool RemembersAlerts => _last is { Count: > 0 };

    /// <summary>The grain's snapshot with the store's not-closed alerts of this asset in place of the snapshot's own.</summary>
    public async Task<AssetEvaluatorSnapshot?> RestoreAsync(
        string assetId, AssetEvaluatorSnapshot? snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await store.LoadNotClosedAsync(assetId, cancellationToken);
        _last?.Clear();
        foreach (var alert in stored)
        {
            (_last ??= new(StringComparer.Ordinal))[alert.AlertId] = alert;
        }

        List<Alert> alerts = [.. stored.Select(a => a.ToDomain())];
        if (snapshot is not null)
        {
            return snapshot with { Alerts = alerts };
        }

        // No grain state but open alerts (grain state lost or kept in memory): the alerts still carry on.
        return alerts.Count == 0
            ? null
            : new AssetEvaluatorSnapshot(now, null, false, new Dictionary<string, ThresholdRuleSnapshot>(), new Dictionary<string, LatestValue>(), alerts);
    }

    /// <summary>Records what the rules changed, in order; the actor is the system and the note the rule's message.</summary>
    public async Task RecordConditionChangesAsync(IReadOnlyList<AlertChange> changes, DateTimeOffset now)
    {
        foreach (var change in changes)
        {
            var after = AlertView.From(change.Alert, Identity);
            var before = _last?.GetValueOrDefault(after.AlertId);
            await WriteAsync(new AlertRecord(
                before, after, AlertLedgerActions.ForCondition(change.Kind, before, after), AlertLedgerActions.SystemActor, change.Alert.Message, now));
            if (after.Flapping && before is not { Flapping: true })
            {
                // Its own line, so the ledger (and the feed) say when the noise control took over, next to the change
                // that tipped it.
                await store.AppendAsync(after.AlertId, AlertLedgerActions.FlappingStarted, AlertLedgerActions.SystemActor,
                    $"{after.ConditionChanges?.Length ?? 0} condition changes within the flap window; returns no longer re-open or page", now);
            }
        }
    }

    /// <summary>Records a person's step on an alert.</summary>
    public async Task<AlertView> RecordActionAsync(AlertAction action, Alert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        var after = AlertView.From(alert, Identity);
        var note = action.Kind switch
        {
            AlertActionKind.Assign => $"assigned to {after.Assignee}" + (action.Note is null ? "" : $": {action.Note}"),
            AlertActionKind.LinkIncident => $"incident {after.IncidentId}" + (action.Note is null ? "" : $": {action.Note}"),
            AlertActionKind.Resolve when action.Cause is not null => $"cause: {action.Cause}" + (action.Note is null ? "" : $"; {action.Note}"),
            _ => action.Note,
        };
        await WriteAsync(new AlertRecord(_last?.GetValueOrDefault(after.AlertId), after, AlertLedgerActions.ForAction(action.Kind), action.Actor, note, now));
        return after;
    }

    private async Task WriteAsync(AlertRecord record)
    {
        try
        {
            await store.RecordAsync(record);
        }
        catch
        {
            // The evaluator has already moved on in memory; a fresh activation re-reads the store and the grain state,
            // and the caller's retry (ingestion retries, an operator's client) replays the input on it.
            onStoreFailure();
            throw;
        }

        var after = record.After;
        if (after.State == AlertState.Closed)
        {
            _last?.Remove(after.AlertId);
        }
        else
        {
            (_last ??= new(StringComparer.Ordinal))[after.AlertId] = after;
        }

        afterRecord(after, record.Before);
    }
}
