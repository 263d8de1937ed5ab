using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// Gathers a circular's facts: the alert ledger for the period and the one before, the hazard ledger as it stood at the
/// period's end (<see cref="HazardAsOf"/>), and for each alert its asset's owner unit and regulator as the organisation
/// registry names them (<see cref="CircularParties"/>: the asset's parties first, the GeoJSON's free text only for an
/// asset the registry says nothing of, decision 0061) and the district and street above its grid (the region tree in force).
/// </summary>
internal sealed class CircularSource(
    IAlertStore alerts, IHazardStore hazards, IAssetRegistry assets, Registry.LiveRegistry registry, IPartyCaseStore cases, IResponsibilityStore organisations,
    IOptions<CircularOptions> options, TimeProvider time)
{
    public TimeSpan UtcOffset => options.Value.UtcOffset;

    /// <param name="scope">Regions the reader is limited to (a scoped account); empty for the whole city.</param>
    public async Task<CircularReport> BuildAsync(CircularPeriod kind, DateOnly day, IReadOnlyList<string> scope, CancellationToken cancellationToken)
    {
        var offset = options.Value.UtcOffset;
        var (from, to) = Circular.PeriodOf(kind, day, offset);
        var previousFrom = Circular.PreviousFrom(kind, from, offset);
        var facts = (await alerts.KpiFactsAsync(previousFrom, to, cancellationToken)).Where(f => InScope(f.RegionId, scope)).ToList();
        var now = time.GetUtcNow();
        var ledger = (await hazards.QueryAsync(new HazardQuery(Limit: 100_000), cancellationToken)).Where(h => !h.Exercise && InScope(h.RegionId, scope)).ToList();
        // The registry as it stands now, read once for the report: organisations are few, parties only of these assets.
        var organisationList = await organisations.ListOrganisationsAsync(cancellationToken);
        var assetIds = facts.Select(f => f.AssetId).Concat(ledger.Select(h => h.AssetId)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var parties = new CircularParties(
            organisationList, await organisations.PartiesOfAsync(assetIds, cancellationToken), options.Value.Regulators);
        var all = facts.Select(f => ToCircular(f, parties)).ToList();
        // Hazards as they stood at the period's end (or now, for a period still running), open and overdue then; a
        // drill's hazards are not the city's (decision 0049).
        var end = to < now ? to : now;
        var hazardFacts = new List<CircularHazard>();
        foreach (var hazard in ledger)
        {
            var history = HazardAsOf.NeedsHistory(hazard, end)
                ? (await hazards.HistoryAsync(hazard.HazardId, cancellationToken)).Select(e => (e.At, e.After))
                : null;
            if (HazardAsOf.At(hazard, history, end) is { } then)
            {
                hazardFacts.Add(ToCircular(then, end, parties));
            }
        }

        var report = Circular.Compute(
            kind, from, to, offset, scope.Count == 0 ? "全市" : string.Join("、", scope.Select(RegionName)),
            [.. all.Where(a => a.Facts.RaisedAt >= from)], [.. all.Where(a => a.Facts.RaisedAt < from)], hazardFacts);
        // The same query as the KPIs (decision 0048), so the circular's rescue figures are the KPIs' for the period. A
        // rescue names its unit, not a region: a scoped circular keeps those of the lifts in its regions (decision 0056).
        var rescues = await Responsibility.RescueKpiQuery.ComputeAsync(
            cases, from, to, end, null, cancellationToken, scope.Count == 0 ? null : assetId => assets.TryGet(assetId, out var lift) && InScope(lift.RegionId, scope));
        var names = organisationList.ToDictionary(o => o.Id, o => o.Name, StringComparer.Ordinal);
        return report with { Rescues = Circular.RescueRanking(rescues, id => names.GetValueOrDefault(id)) };
    }

    private CircularAlert ToCircular(Domain.Alerts.AlertFacts facts, CircularParties parties)
    {
        assets.TryGet(facts.AssetId ?? string.Empty, out var asset);
        var (district, street) = DistrictAndStreet(facts.RegionId ?? asset?.RegionId);
        var owner = parties.OwnerOf(facts.AssetId, asset?.OwnerUnit);
        var regulator = parties.RegulatorOf(facts.AssetId, asset?.Industry);
        return new CircularAlert(facts, owner.Name, regulator.Name, district, street) { OwnerUnitId = owner.OrganisationId, RegulatorId = regulator.OrganisationId };
    }

    private CircularHazard ToCircular(Hazard hazard, DateTimeOffset now, CircularParties parties)
    {
        var asset = hazard.AssetId is { } id && assets.TryGet(id, out var found) ? found : null;
        var (district, street) = DistrictAndStreet(hazard.RegionId ?? asset?.RegionId);
        // The unit the hazard ledger names answers for the hazard; without one, the asset's owner unit.
        var owner = string.IsNullOrWhiteSpace(hazard.ResponsibleUnit) ? parties.OwnerOf(hazard.AssetId, asset?.OwnerUnit) : parties.Named(hazard.ResponsibleUnit);
        var regulator = parties.RegulatorOf(hazard.AssetId, hazard.Industry ?? asset?.Industry);
        return new CircularHazard(hazard.Status != HazardStatus.Verified, hazard.IsOverdue(now), owner.Name, regulator.Name, district, street)
        {
            OwnerUnitId = owner.OrganisationId,
            RegulatorId = regulator.OrganisationId,
        };
    }

    // The region tree in force now: it changes over the API (docs/decisions/0041-live-registry.md).
    private RegionIndex Regions => registry.Current.Map.Index;

    private (string? District, string? Street) DistrictAndStreet(string? regionId)
    {
        if (regionId is null || !Regions.TryGet(regionId, out var region))
        {
            return (null, null);
        }

        var chain = Regions.AncestorsOf(regionId).Prepend(region).ToList();
        return (chain.FirstOrDefault(r => r.Level == RegionLevel.District)?.Name, chain.FirstOrDefault(r => r.Level == RegionLevel.Street)?.Name);
    }

    private bool InScope(string? regionId, IReadOnlyList<string> scope) =>
        scope.Count == 0 || (regionId is not null && scope.Any(s => s == regionId || Regions.IsWithin(regionId, s)));

    private string RegionName(string regionId) => Regions.TryGet(regionId, out var region) ? region.Name : regionId;
}
