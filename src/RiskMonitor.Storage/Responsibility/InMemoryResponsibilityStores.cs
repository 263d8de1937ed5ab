using RiskMonitor.Domain;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Storage.Responsibility;

/// <summary>The responsibility registry of a server run without PostgreSQL: the same checks, nothing survives the process.</summary>
public sealed class InMemoryResponsibilityStore : IResponsibilityStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Organisation> _organisations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AssetParties> _parties = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<Organisation>> ListOrganisationsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Organisation>>([.. _organisations.Values.OrderBy(o => o.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<Organisation?> FindOrganisationAsync(string organisationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_organisations.GetValueOrDefault(organisationId));
        }
    }

    public Task<Organisation?> FindOrganisationOfAccountAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_organisations.Values.FirstOrDefault(o => !o.People.IsDefault && o.People.Any(p => p.Account == account)));
        }
    }

    public Task<RegistryWrite> SaveOrganisationAsync(Organisation organisation, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        lock (_gate)
        {
            var current = _organisations.GetValueOrDefault(organisation.Id);
            var refused = ResponsibilityWrites.CheckOrganisation(current, organisation, expectedVersion);
            if (refused is not null)
            {
                return Task.FromResult(refused);
            }

            if (organisation.CreditCode is { } code && _organisations.Values.Any(o => o.Id != organisation.Id && o.CreditCode == code))
            {
                return Task.FromResult(new RegistryWrite(RegistryWriteOutcome.DuplicateCreditCode, current?.Version ?? 0));
            }

            if (organisation.Retired && _parties.Values.Any(p => p.OwnerUnitId == organisation.Id || p.MaintenanceUnitId == organisation.Id || p.RegulatorId == organisation.Id))
            {
                return Task.FromResult(new RegistryWrite(RegistryWriteOutcome.InUse, current!.Version));
            }

            var version = (current?.Version ?? 0) + 1;
            _organisations[organisation.Id] = organisation with { Version = version };
            return Task.FromResult(RegistryWrite.Saved(version));
        }
    }

    public Task<AssetParties?> FindPartiesAsync(string assetId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_parties.GetValueOrDefault(assetId));
        }
    }

    public Task<IReadOnlySet<string>> WithPartiesAsync(IReadOnlyCollection<string> assetIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlySet<string>>(assetIds.Where(_parties.ContainsKey).ToHashSet(StringComparer.Ordinal));
        }
    }

    public Task<IReadOnlyDictionary<string, AssetParties>> PartiesOfAsync(IReadOnlyCollection<string> assetIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, AssetParties>>(assetIds.Distinct(StringComparer.Ordinal)
                .Where(_parties.ContainsKey).ToDictionary(id => id, id => _parties[id], StringComparer.Ordinal));
        }
    }

    public Task<RegistryWrite> SavePartiesAsync(AssetParties parties, string assetKind, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parties);
        lock (_gate)
        {
            var current = _parties.GetValueOrDefault(parties.AssetId);
            if (ResponsibilityWrites.CheckVersion(current?.Version, expectedVersion) is { } refused)
            {
                return Task.FromResult(refused);
            }

            var problems = parties.Problems(assetKind, id => _organisations.GetValueOrDefault(id));
            if (problems.Count > 0)
            {
                return Task.FromResult(new RegistryWrite(RegistryWriteOutcome.Invalid, current?.Version ?? 0, problems));
            }

            var version = (current?.Version ?? 0) + 1;
            _parties[parties.AssetId] = parties with { Version = version };
            return Task.FromResult(RegistryWrite.Saved(version));
        }
    }

    public Task<bool> SeedAsync(IReadOnlyList<Organisation> organisations, IReadOnlyList<AssetParties> parties, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organisations);
        ArgumentNullException.ThrowIfNull(parties);
        lock (_gate)
        {
            if (_organisations.Count > 0 || _parties.Count > 0)
            {
                return Task.FromResult(false);
            }

            foreach (var organisation in organisations)
            {
                _organisations[organisation.Id] = organisation with { Version = 1 };
            }

            foreach (var party in parties)
            {
                _parties[party.AssetId] = party with { Version = 1 };
            }

            return Task.FromResult(true);
        }
    }
}

public sealed class InMemoryPartyCaseStore : IPartyCaseStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PartyCase> _cases = new(StringComparer.Ordinal);

    public Task<PartyCase?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_cases.GetValueOrDefault(alertId));
        }
    }

    public Task SaveAsync(PartyCase partyCase, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partyCase);
        lock (_gate)
        {
            _cases[partyCase.AlertId] = partyCase;
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<PartyCase>> ListForOrganisationAsync(string organisationId, DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PartyCase>>([.. _cases.Values
                .Where(c => c.OpenedAt >= since && c.OrganisationIds.Contains(organisationId, StringComparer.Ordinal))
                .OrderByDescending(c => c.OpenedAt).Take(limit)]);
        }
    }

    public Task<IReadOnlyList<PartyCase>> RescueCasesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PartyCase>>([.. _cases.Values.Where(c => c.Rescue is { } r && r.ReportedAt >= from && r.ReportedAt < to)]);
        }
    }

    public Task<IReadOnlyDictionary<string, WarningLevel>> ToldSeveritiesAsync(IReadOnlyCollection<string> alertIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alertIds);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, WarningLevel>>(
                alertIds.Distinct(StringComparer.Ordinal).Where(_cases.ContainsKey).ToDictionary(id => id, id => _cases[id].Severity, StringComparer.Ordinal));
        }
    }
}

/// <summary>The checks both stores make before a write, so memory and PostgreSQL refuse the same things.</summary>
internal static class ResponsibilityWrites
{
    public static RegistryWrite? CheckVersion(int? current, int? expected) => (current, expected) switch
    {
        (not null, null) => new RegistryWrite(RegistryWriteOutcome.Exists, current.Value),
        (null, not null) => new RegistryWrite(RegistryWriteOutcome.Unknown, 0),
        (not null, not null) when current != expected => new RegistryWrite(RegistryWriteOutcome.VersionConflict, current.Value),
        _ => null,
    };

    public static RegistryWrite? CheckOrganisation(Organisation? current, Organisation next, int? expectedVersion)
    {
        if (CheckVersion(current?.Version, expectedVersion) is { } refused)
        {
            return refused;
        }

        // An organisation's kind is what assets point at it as; changing it would silently break their parties.
        return current is not null && current.Kind != next.Kind
            ? new RegistryWrite(RegistryWriteOutcome.Invalid, current.Version, new Dictionary<string, string[]> { ["kind"] = ["An organisation's kind cannot change."] })
            : null;
    }
}
