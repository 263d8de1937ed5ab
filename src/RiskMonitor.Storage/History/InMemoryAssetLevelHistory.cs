using RiskMonitor.Domain;

namespace RiskMonitor.Storage.History;

/// <summary>
/// The history without PostgreSQL (a demo, a unit test): every change in memory, bounded by
/// <see cref="LevelHistoryOptions.MemoryCapacity"/>; when full the oldest change goes, and snapshots before the oldest
/// change kept are marked incomplete. Nothing survives a restart.
/// </summary>
public sealed class InMemoryAssetLevelHistory(int capacity = 1_000_000) : IAssetLevelHistory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(DateTimeOffset At, WarningLevel Level)>> _byAsset = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new(); // asset ids in arrival order, to evict the oldest change
    private readonly Dictionary<string, (DateTimeOffset At, WarningLevel Level)> _evictedLast = new(StringComparer.Ordinal);
    private long _recorded;
    private DateTimeOffset? _evictedUpTo;

    public bool Record(AssetLevelChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            if (!_byAsset.TryGetValue(change.AssetId, out var changes))
            {
                _byAsset[change.AssetId] = changes = [];
            }

            // Changes of one asset arrive in order from its grain; an out-of-order one is put in its place anyway.
            var at = changes.Count == 0 || changes[^1].At <= change.At ? changes.Count : UpperBound(changes, change.At);
            changes.Insert(at, (change.At, change.Level));
            _order.Enqueue(change.AssetId);
            _recorded++;
            while (_order.Count > capacity)
            {
                var oldest = _order.Dequeue();
                var list = _byAsset[oldest];
                // The newest evicted change of an asset still answers every moment after it until its next change.
                _evictedLast[oldest] = list[0];
                _evictedUpTo = _evictedUpTo is { } e && e > list[0].At ? e : list[0].At;
                list.RemoveAt(0);
            }
        }

        return true;
    }

    public Task<LevelsAt> LevelsAtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var levels = new Dictionary<string, WarningLevel>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var (assetId, changes) in _byAsset)
            {
                var k = UpperBound(changes, at) - 1;
                if (k >= 0)
                {
                    levels[assetId] = changes[k].Level;
                }
                else if (_evictedLast.TryGetValue(assetId, out var last) && last.At <= at)
                {
                    levels[assetId] = last.Level;
                }
            }

            // Before the newest evicted change, an asset's answer may have been among the evicted ones.
            return Task.FromResult(new LevelsAt(levels, _evictedUpTo is not { } evicted || at > evicted));
        }
    }

    public LevelHistoryStats GetStats()
    {
        lock (_gate)
        {
            return new LevelHistoryStats("memory", _recorded, _recorded, 0, 0, 0, _evictedUpTo);
        }
    }

    /// <summary>The index of the first change after <paramref name="at"/>.</summary>
    private static int UpperBound(List<(DateTimeOffset At, WarningLevel Level)> changes, DateTimeOffset at)
    {
        int lo = 0, hi = changes.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (changes[mid].At <= at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
