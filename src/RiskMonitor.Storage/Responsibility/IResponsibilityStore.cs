using RiskMonitor.Domain;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Storage.Responsibility;

/// <summary>
/// Organisations, their people and the parties of each asset (issue 20): the live registry of who answers for what.
/// Every write is validated, versioned (it names the version it replaces; null = create) and audited in the same
/// transaction; a write that fails changes nothing.
/// </summary>
public interface IResponsibilityStore
{
    Task<IReadOnlyList<Organisation>> ListOrganisationsAsync(CancellationToken cancellationToken = default);

    Task<Organisation?> FindOrganisationAsync(string organisationId, CancellationToken cancellationToken = default);

    /// <summary>The organisation one of whose people signs in as <paramref name="account"/> (a <c>unit</c> account), or null.</summary>
    Task<Organisation?> FindOrganisationOfAccountAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="expectedVersion"/> null) or replaces an organisation; retiring one still named by an asset is refused.</summary>
    Task<RegistryWrite> SaveOrganisationAsync(Organisation organisation, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<AssetParties?> FindPartiesAsync(string assetId, CancellationToken cancellationToken = default);

    /// <summary>Those of <paramref name="assetIds"/> that have parties on record.</summary>
    Task<IReadOnlySet<string>> WithPartiesAsync(IReadOnlyCollection<string> assetIds, CancellationToken cancellationToken = default);

    /// <summary>The parties on record of those of <paramref name="assetIds"/> that have them, in one read (a report's alerts).</summary>
    Task<IReadOnlyDictionary<string, AssetParties>> PartiesOfAsync(IReadOnlyCollection<string> assetIds, CancellationToken cancellationToken = default);

    /// <summary>Sets an asset's parties, checked against the organisations as they are inside the write's transaction.</summary>
    Task<RegistryWrite> SavePartiesAsync(AssetParties parties, string assetKind, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Loads the shipped data into an empty registry (first start); false, and nothing written, when it holds anything.</summary>
    Task<bool> SeedAsync(IReadOnlyList<Organisation> organisations, IReadOnlyList<AssetParties> parties, DateTimeOffset at, CancellationToken cancellationToken = default);
}

public enum RegistryWriteOutcome
{
    Saved,

    /// <summary>Create of an id that exists.</summary>
    Exists,

    /// <summary>Update of an id that does not exist.</summary>
    Unknown,

    /// <summary>The record changed since the version the writer read.</summary>
    VersionConflict,

    DuplicateCreditCode,

    /// <summary>Retiring an organisation that assets still name.</summary>
    InUse,

    /// <summary>The record names organisations that do not exist, are retired or of the wrong kind (<see cref="RegistryWrite.Problems"/>).</summary>
    Invalid,
}

/// <param name="Version">The version written, or the current one on a conflict.</param>
/// <param name="Id">In a write of several records (an import), the one refused.</param>
public sealed record RegistryWrite(RegistryWriteOutcome Outcome, int Version, IReadOnlyDictionary<string, string[]>? Problems = null, string? Id = null)
{
    public static RegistryWrite Saved(int version) => new(RegistryWriteOutcome.Saved, version);
}

/// <summary>The parties of routed alerts and how each acted (<see cref="PartyCase"/>), readable on every node.</summary>
public interface IPartyCaseStore
{
    Task<PartyCase?> FindAsync(string alertId, CancellationToken cancellationToken = default);

    Task SaveAsync(PartyCase partyCase, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The cases an organisation has a duty in, opened since <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<PartyCase>> ListForOrganisationAsync(string organisationId, DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    /// <summary>The cases whose rescue was reported in [from, to) (each with its asset, so a circular can keep a region's).</summary>
    Task<IReadOnlyList<PartyCase>> RescueCasesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>The severity the parties of each of these alerts were last told of; an alert never routed is absent.</summary>
    Task<IReadOnlyDictionary<string, WarningLevel>> ToldSeveritiesAsync(IReadOnlyCollection<string> alertIds, CancellationToken cancellationToken = default);
}
