using System.Text.Json;

namespace RiskMonitor.Storage.Feed;

/// <summary>The feed of a server run without PostgreSQL: the same contract, kept in memory by the in-memory stores.</summary>
public sealed class InMemoryFeedLog : IFeedStore, IFeedAppender
{
    private readonly Lock _gate = new();
    private readonly List<FeedEvent> _events = [];
    private readonly FeedSignal _signal;

    public InMemoryFeedLog()
        : this(new FeedSignal())
    {
    }

    public InMemoryFeedLog(FeedSignal signal) => _signal = signal;

    public Task Appended => _signal.Appended;

    public long Append(string type, int schemaVersion, DateTimeOffset occurredAt, string? assetId, string? regionId, JsonElement payload)
    {
        long cursor;
        lock (_gate)
        {
            cursor = _events.Count + 1;
            _events.Add(new FeedEvent(cursor, type, schemaVersion, occurredAt, assetId, regionId, payload.Clone()));
        }

        _signal.Pulse();
        return cursor;
    }

    public Task<long> AppendAsync(
        string type, int schemaVersion, DateTimeOffset occurredAt, string? assetId, string? regionId, JsonElement payload,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(Append(type, schemaVersion, occurredAt, assetId, regionId, payload));

    public Task<long> LatestCursorAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult((long)_events.Count);
        }
    }

    public Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            var from = (int)Math.Clamp(query.After, 0, _events.Count);
            return Task.FromResult<IReadOnlyList<FeedEvent>>([.. _events.Skip(from)
                .Where(e => (query.Types is not { Count: > 0 } types || types.Contains(e.Type)) && (query.RegionId is null || e.RegionId == query.RegionId) &&
                            (query.IncludeExercise || !FeedEventTypes.IsExercise(e.Type)))
                .Take(Math.Clamp(query.Limit, 1, 10_000))]);
        }
    }
}
