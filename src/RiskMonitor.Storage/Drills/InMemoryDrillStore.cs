using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Storage.Drills;

/// <summary>The drills of a server run without PostgreSQL: the same contract, in memory.</summary>
public sealed class InMemoryDrillStore : IDrillStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Drill> _drills = new(StringComparer.Ordinal);

    public Task<bool> RecordAsync(Drill? before, Drill after, string action, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(after);
        lock (_gate)
        {
            _drills.TryGetValue(after.DrillId, out var stored);
            if (before is null ? stored is not null : stored is null || stored.UpdatedAt != before.UpdatedAt)
            {
                return Task.FromResult(false);
            }

            _drills[after.DrillId] = after;
            return Task.FromResult(true);
        }
    }

    public Task<Drill?> FindAsync(string drillId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_drills.GetValueOrDefault(drillId));
        }
    }

    public Task<IReadOnlyList<Drill>> ListAsync(bool activeOnly, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Drill>>([.. _drills.Values
                .Where(d => !activeOnly || d.Status is DrillStatus.Scheduled or DrillStatus.Running)
                .OrderByDescending(d => d.CreatedAt).ThenBy(d => d.DrillId, StringComparer.Ordinal)
                .Take(Math.Clamp(limit, 1, 10_000))]);
        }
    }
}
