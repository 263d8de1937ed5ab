using RiskMonitor.Domain.Hazards;

namespace RiskMonitor.Storage.Hazards;

/// <summary>The hidden-hazard ledger (隐患台账): current records and an append-only ledger of every step.</summary>
public interface IHazardStore
{
    /// <summary>
    /// Writes the hazard and its ledger line in one transaction. With <paramref name="before"/> set, only if the stored
    /// hazard still has <paramref name="before"/>'s status and update time (optimistic): false means someone else moved
    /// it first.
    /// </summary>
    Task<bool> RecordAsync(Hazard? before, Hazard after, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<Hazard?> FindAsync(string hazardId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Hazard>> QueryAsync(HazardQuery query, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HazardLedgerEntry>> HistoryAsync(string hazardId, CancellationToken cancellationToken = default);
}

/// <param name="OverdueAt">When set, only hazards not verified whose deadline has passed at that time.</param>
/// <param name="DrillId">Only the hazards recorded in this drill (decision 0049).</param>
public sealed record HazardQuery(
    HazardStatus? Status = null, HazardLevel? Level = null, string? RegionId = null, string? Industry = null, DateTimeOffset? OverdueAt = null,
    int Offset = 0, int Limit = 1000, string? DrillId = null);

public sealed record HazardLedgerEntry(
    int Sequence, DateTimeOffset At, string Action, string Actor, string? Note, HazardStatus? StatusBefore, HazardStatus StatusAfter, Hazard? Before, Hazard After);
