namespace RiskMonitor.Storage.Hazards;

/// <summary>
/// What a 12350 caller gave beyond the hazard itself, kept apart from the hazard ledger so that the caller's contact
/// is in no hazard record, history line or feed event (docs/decisions/0038-hazard-supervision-and-tip-line.md).
/// </summary>
public interface ITipLineStore
{
    Task AddAsync(TipRecord tip, CancellationToken cancellationToken = default);

    Task<TipRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken = default);

    Task<TipRecord?> FindByHazardAsync(string hazardId, CancellationToken cancellationToken = default);
}

/// <param name="Placement">How the tip was placed in its grid: coordinates, address or unplaced.</param>
public sealed record TipRecord(
    string Reference, string HazardId, string? Contact, string? Category, string Department, string Placement, DateTimeOffset ReceivedAt);
