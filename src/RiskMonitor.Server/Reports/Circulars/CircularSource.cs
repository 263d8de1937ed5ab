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
/// period's end (<see cref="HazardAsOf"/>), and
/// for each alert its asset's owner unit (the registry's <c>ownerUnit</c>), its industry's regulator
/// (<see cref="CircularOptions.Regulators"/>) and the district and street above its grid (the region file).
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
        var facts = await alerts.KpiFactsAsync(previousFrom, to, cancellationToken);
        var all = facts.Where(f => InScope(f.RegionId, scope)).Select(ToCircular).ToList();
        var now = time.GetUtcNow();
        var ledger = await hazards.QueryAsync(new HazardQuery(Limit: 100_000), cancellationToken);
        // Hazards as they stood at the period's end (or now, for a period still running), open and overdue then; a
        // drill's hazards are not the city's (decision 0049).
        var end = to < now ? to : now;
        var hazardFacts = new List<CircularHazard>();
        foreach (var hazard in ledger.Where(h => !h.Exercise && InScope(h.RegionId, scope)))
        {
            var history = HazardAsOf.NeedsHistory(hazard, end)
                ? (await hazards.HistoryAsync(hazard.HazardId, cancellationToken)).Select(e => (e.At, e.After))
                : null;
            if (HazardAsOf.At(hazard, history, end) is { } then)
            {
                hazardFacts.Add(ToCircular(then, end));
            }
        }

        var report = Circular.Compute(
            kind, from, to, offset, scope.Count == 0 ? "全市" : string.Join("、", scope.Select(RegionName)),
            [.. all.Where(a => a.Facts.RaisedAt >= from)], [.. all.Where(a => a.Facts.RaisedAt < from)], hazardFacts);
        // The same query as the KPIs (decision 0048), so the circular's rescue figures are the KPIs' for the period. A
        // rescue names its unit, not a region: a scoped circular keeps those of the lifts in its regions (decision 0056).
        var rescues = await Responsibility.RescueKpiQuery.ComputeAsync(
            cases, from, to, end, null, cancellationToken, scope.Count == 0 ? null : assetId => assets.TryGet(assetId, out var lift) && InScope(lift.RegionId, scope));
        var names = (await organisations.ListOrganisationsAsync(cancellationToken)).ToDictionary(o => o.Id, o => o.Name, StringComparer.Ordinal);
        return report with { Rescues = Circular.RescueRanking(rescues, id => names.GetValueOrDefault(id)) };
    }

    private CircularAlert ToCircular(Domain.Alerts.AlertFacts facts)
    {
        assets.TryGet(facts.AssetId ?? string.Empty, out var asset);
        var (district, street) = DistrictAndStreet(facts.RegionId ?? asset?.RegionId);
        return new CircularAlert(facts, asset?.OwnerUnit, RegulatorOf(asset?.Industry), district, street);
    }

    private CircularHazard ToCircular(Hazard hazard, DateTimeOffset now)
    {
        var asset = hazard.AssetId is { } id && assets.TryGet(id, out var found) ? found : null;
        var (district, street) = DistrictAndStreet(hazard.RegionId ?? asset?.RegionId);
        return new CircularHazard(
            hazard.Status != HazardStatus.Verified, hazard.IsOverdue(now), hazard.ResponsibleUnit ?? asset?.OwnerUnit,
            RegulatorOf(hazard.Industry ?? asset?.Industry), district, street);
    }

    private string? RegulatorOf(string? industry) =>
        industry is not null && options.Value.Regulators.TryGetValue(industry, out var department) ? department : null;

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
