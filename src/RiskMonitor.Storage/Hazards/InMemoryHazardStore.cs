using RiskMonitor.Domain.Hazards;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Storage.Hazards;

/// <summary>The hazard ledger of a server run without PostgreSQL: the same contract, in memory.</summary>
public sealed class InMemoryHazardStore(InMemoryFeedLog feed) : IHazardStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Hazard> _hazards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HazardLedgerEntry>> _ledger = new(StringComparer.Ordinal);

    public InMemoryHazardStore()
        : this(new InMemoryFeedLog())
    {
    }

    public Task<bool> RecordAsync(Hazard? before, Hazard after, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(after);
        lock (_gate)
        {
            _hazards.TryGetValue(after.HazardId, out var stored);
            if (before is null ? stored is not null : stored is null || stored.Status != before.Status || stored.UpdatedAt != before.UpdatedAt)
            {
                return Task.FromResult(false);
            }

            _hazards[after.HazardId] = after;
            if (!_ledger.TryGetValue(after.HazardId, out var entries))
            {
                _ledger[after.HazardId] = entries = [];
            }

            entries.Add(new HazardLedgerEntry(entries.Count + 1, at, action, actor, note, before?.Status, after.Status, before, after));
            if (!after.Exercise)
            {
                feed.Append(FeedEventTypes.ForHazardAction(action), FeedEventTypes.HazardSchemaVersion, at, after.AssetId, after.RegionId,
                    new HazardFeedPayload(action, actor, note, after).ToElement());
            }

            return Task.FromResult(true);
        }
    }

    public Task<Hazard?> FindAsync(string hazardId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_hazards.GetValueOrDefault(hazardId));
        }
    }

    public Task<IReadOnlyList<Hazard>> QueryAsync(HazardQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Hazard>>([.. _hazards.Values
                .Where(h => (query.Status is null || h.Status == query.Status) && (query.Level is null || h.Level == query.Level) &&
                            (query.RegionId is null || h.RegionId == query.RegionId) && (query.Industry is null || h.Industry == query.Industry) &&
                            (query.OverdueAt is null || h.IsOverdue(query.OverdueAt.Value)) && (query.DrillId is null || h.DrillId == query.DrillId))
                .OrderByDescending(h => h.ReportedAt).ThenBy(h => h.HazardId, StringComparer.Ordinal)
                .Skip(query.Offset).Take(query.Limit)]);
        }
    }

    public Task<IReadOnlyList<HazardLedgerEntry>> HistoryAsync(string hazardId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<HazardLedgerEntry>>(_ledger.TryGetValue(hazardId, out var entries) ? [.. entries] : []);
        }
    }
}
