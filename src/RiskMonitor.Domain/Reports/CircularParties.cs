using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Reports;

/// <summary>A line of a ranking by organisation: the registry's id when the organisation is registered, and its name.</summary>
public readonly record struct CircularParty(string? OrganisationId, string? Name)
{
    public static readonly CircularParty None = new(null, null);
}

/// <summary>
/// Whom a circular ranks an asset's alerts and hazards under (pure; decision 0061). The organisation registry comes
/// first: the owner unit and regulator an asset's parties name (<c>PUT /api/assets/{id}/parties</c>), by their id and
/// current name. Only an asset the registry says nothing of falls back to the GeoJSON's free-text <c>ownerUnit</c>, and
/// that text is the registered organisation when it is exactly one's id or name (the demo city's file names its owner
/// units as the registry does). A regulator not named by the parties is the one live regulator the registry has for the
/// asset's industry, else the department configured for the industry (<c>Circulars:Regulators</c>).
/// </summary>
public sealed class CircularParties
{
    private readonly Dictionary<string, Organisation> _byId;
    private readonly Dictionary<string, Organisation> _byUniqueName;
    private readonly Dictionary<string, Organisation> _regulatorOfIndustry;
    private readonly IReadOnlyDictionary<string, AssetParties> _parties;
    private readonly IReadOnlyDictionary<string, string> _configuredRegulators;

    /// <param name="parties">The parties on record, by asset id (those of the assets the report covers suffice).</param>
    /// <param name="configuredRegulators">Industry -> department, for an industry with no regulator in the registry.</param>
    public CircularParties(
        IEnumerable<Organisation> organisations, IReadOnlyDictionary<string, AssetParties> parties, IReadOnlyDictionary<string, string> configuredRegulators)
    {
        ArgumentNullException.ThrowIfNull(organisations);
        var all = organisations.ToList();
        _byId = all.ToDictionary(o => o.Id, StringComparer.Ordinal);
        // A name two organisations share names neither: the free text cannot say which (a live one wins over retired ones).
        _byUniqueName = all.GroupBy(o => o.Name, StringComparer.Ordinal)
            .Select(g => g.Count(o => !o.Retired) == 1 ? g.Single(o => !o.Retired) : g.Count() == 1 ? g.Single() : null)
            .OfType<Organisation>()
            .ToDictionary(o => o.Name, StringComparer.Ordinal);
        _regulatorOfIndustry = all.Where(o => o is { Kind: OrganisationKind.Regulator, Retired: false, Industry: not null })
            .GroupBy(o => o.Industry!, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single(), StringComparer.OrdinalIgnoreCase);
        _parties = parties ?? throw new ArgumentNullException(nameof(parties));
        _configuredRegulators = configuredRegulators ?? throw new ArgumentNullException(nameof(configuredRegulators));
    }

    /// <summary>The owner unit of <paramref name="assetId"/>: the registry's, else <paramref name="freeText"/> (resolved to a registered organisation when it names one).</summary>
    public CircularParty OwnerOf(string? assetId, string? freeText) =>
        assetId is not null && _parties.TryGetValue(assetId, out var parties) && _byId.TryGetValue(parties.OwnerUnitId, out var owner)
            ? Of(owner)
            : Named(freeText);

    /// <summary>The regulator of <paramref name="assetId"/>: the one its parties name, else the registry's regulator of <paramref name="industry"/>, else the configured department.</summary>
    public CircularParty RegulatorOf(string? assetId, string? industry)
    {
        if (assetId is not null && _parties.TryGetValue(assetId, out var parties) && parties.RegulatorId is { } id && _byId.TryGetValue(id, out var named))
        {
            return Of(named);
        }

        if (industry is null)
        {
            return CircularParty.None;
        }

        if (_regulatorOfIndustry.TryGetValue(industry, out var regulator))
        {
            return Of(regulator);
        }

        return _configuredRegulators.TryGetValue(industry, out var department) ? Named(department) : CircularParty.None;
    }

    /// <summary>A free-text unit (a hazard's responsible unit, an asset's <c>ownerUnit</c>): the organisation whose id or sole name it is, else the text itself.</summary>
    public CircularParty Named(string? freeText)
    {
        if (string.IsNullOrWhiteSpace(freeText))
        {
            return CircularParty.None;
        }

        var text = freeText.Trim();
        return _byId.TryGetValue(text, out var byId) ? Of(byId)
            : _byUniqueName.TryGetValue(text, out var byName) ? Of(byName)
            : new CircularParty(null, text);
    }

    private static CircularParty Of(Organisation organisation) => new(organisation.Id, organisation.Name);
}
