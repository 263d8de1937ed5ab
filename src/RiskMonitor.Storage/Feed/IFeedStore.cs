using System.Text.Json;

namespace RiskMonitor.Storage.Feed;

/// <summary>
/// The integration feed (DESIGN.md §7): an ordered, durable log of events for the city platform, read by cursor.
/// Events are appended by the stores in the same transaction as the change they record; this interface only reads.
/// </summary>
public interface IFeedStore
{
    /// <summary>Events with a cursor above <see cref="FeedQuery.After"/> that pass the filters, in cursor order, at most <see cref="FeedQuery.Limit"/>.</summary>
    Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedQuery query, CancellationToken cancellationToken = default);

    /// <summary>The newest cursor (0 when the log is empty): where a subscription that wants only new events starts.</summary>
    Task<long> LatestCursorAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when an event may have been appended since it was taken (then read again). Take it before reading,
    /// so an append between the read and the wait is not missed.
    /// </summary>
    Task Appended { get; }
}

/// <param name="IncludeExercise">
/// Also the <c>exercise.*</c> events of drills (decision 0042). Only the node's own followers ask for them: the integration
/// feed, its webhooks and CAP never carry a drill, so the city platform's record stays that of real events.
/// </param>
public sealed record FeedQuery(long After = 0, int Limit = 100, IReadOnlyCollection<string>? Types = null, string? RegionId = null, bool IncludeExercise = false);

/// <summary>One event. <see cref="Payload"/> follows the schema named by <see cref="Type"/> and <see cref="SchemaVersion"/>.</summary>
public sealed record FeedEvent(
    long Cursor, string Type, int SchemaVersion, DateTimeOffset OccurredAt, string? AssetId, string? RegionId, JsonElement Payload);

/// <summary>The event types and their payloads.</summary>
public static class FeedEventTypes
{
    public const string AlertRaised = "alert.raised";
    public const string AlertUpdated = "alert.updated";
    public const string AlertCleared = "alert.cleared";

    /// <summary>Schema version of every <c>alert.*</c> payload: <c>{ action, actor, note, alert }</c>.</summary>
    public const int AlertSchemaVersion = 1;

    /// <summary>A region's dynamic or inherent colour changed (coalesced; docs/feed.md).</summary>
    public const string RegionChanged = "region.changed";

    /// <summary>Schema version of <c>region.changed</c>: <c>{ region, previousColour, previousInherentColour }</c>.</summary>
    public const int RegionSchemaVersion = 1;

    /// <summary>Schema version of every <c>hazard.*</c> payload: <c>{ action, actor, note, hazard }</c>.</summary>
    public const int HazardSchemaVersion = 1;

    /// <summary>The type of a hazard ledger action: <c>hazard.reported</c>, <c>hazard.assigned</c>, <c>hazard.verified</c>, ...</summary>
    public static string ForHazardAction(string action) => "hazard." + action;

    /// <summary>The prefix of every event of a drill: kept in the log for the nodes' own followers, out of every integration read.</summary>
    public const string ExercisePrefix = "exercise.";

    /// <summary>The type of an alert's ledger action: <see cref="ForAlertAction"/>, behind <see cref="ExercisePrefix"/> for a drill's alert.</summary>
    public static string ForAlert(Contracts.Alerts.AlertView alert, string action)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Drill is null ? ForAlertAction(action) : ExercisePrefix + ForAlertAction(action);
    }

    /// <summary>True for an event of a drill.</summary>
    public static bool IsExercise(string type) => type.StartsWith(ExercisePrefix, StringComparison.Ordinal);

    /// <summary>
    /// The type of an alert ledger action: raised, cleared and the other condition changes (updated) by name; an
    /// operator's step as <c>alert.&lt;action&gt;</c> (<c>alert.acknowledged</c>, <c>alert.closed</c>, <c>alert.escalated</c>).
    /// </summary>
    public static string ForAlertAction(string action) => action switch
    {
        "raised" => AlertRaised,
        "condition_cleared" => AlertCleared,
        "level_changed" or "condition_returned" or "reopened" => AlertUpdated,
        _ => "alert." + action,
    };
}

/// <summary>
/// Appends an event that is not part of a store's own transaction (a region colour change, which lives in grain state,
/// not in PostgreSQL). Changes kept in PostgreSQL append inside their own transaction instead.
/// </summary>
public interface IFeedAppender
{
    Task<long> AppendAsync(string type, int schemaVersion, DateTimeOffset occurredAt, string? assetId, string? regionId, JsonElement payload,
        CancellationToken cancellationToken = default);
}

/// <summary>The in-process signal a long-polling reader waits on; the stores pulse it after each commit.</summary>
public sealed class FeedSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Appended => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
