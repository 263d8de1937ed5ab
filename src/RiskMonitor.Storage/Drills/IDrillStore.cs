using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Storage.Drills;

/// <summary>Drills and the ledger of their steps (migration 0045). Writes are optimistic on the stored update time.</summary>
public interface IDrillStore
{
    /// <summary>
    /// Stores <paramref name="after"/> with a ledger line. <paramref name="before"/> null inserts (false when the id is
    /// taken); otherwise false when someone changed the drill since <paramref name="before"/> was read.
    /// </summary>
    Task<bool> RecordAsync(Drill? before, Drill after, string action, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<Drill?> FindAsync(string drillId, CancellationToken cancellationToken = default);

    /// <summary>Newest first; <paramref name="activeOnly"/> keeps the scheduled and running ones.</summary>
    Task<IReadOnlyList<Drill>> ListAsync(bool activeOnly, int limit, CancellationToken cancellationToken = default);
}
