using RiskMonitor.Domain.Incidents;

namespace RiskMonitor.Storage.Incidents;

/// <summary>Incidents (事故): current records and an append-only ledger of every step, with the feed event in the same write.</summary>
public interface IIncidentStore
{
    /// <summary>
    /// Writes the incident and its ledger line in one transaction. With <paramref name="before"/> set, only if the
    /// stored incident still has <paramref name="before"/>'s update time (optimistic): false means someone else changed
    /// it first (or, without <paramref name="before"/>, that the id exists).
    /// </summary>
    Task<bool> RecordAsync(IncidentRecord? before, IncidentRecord after, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<IncidentRecord?> FindAsync(string incidentId, CancellationToken cancellationToken = default);

    /// <summary>Newest first; <paramref name="openOnly"/> for the ones whose clocks still run.</summary>
    Task<IReadOnlyList<IncidentRecord>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IncidentLedgerEntry>> HistoryAsync(string incidentId, CancellationToken cancellationToken = default);
}

public sealed record IncidentLedgerEntry(int Sequence, DateTimeOffset At, string Action, string Actor, string? Note);
