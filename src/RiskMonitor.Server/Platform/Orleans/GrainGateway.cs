using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Server.Platform.Orleans;

/// <summary>
/// The grain calls the API's command and query classes make, one method each (issue 19, docs/decisions/0062). A seam,
/// not an abstraction of Orleans: <see cref="GrainGateway"/> forwards every call unchanged, and a fast test puts a fake
/// in its place, so a handler's orchestration (checks, which grain, how its answer becomes a status) runs without a silo.
/// </summary>
internal interface IGrainGateway
{
    /// <summary>The asset's state as its grain holds it: latest readings, current alerts, last heard from.</summary>
    Task<AssetView> AssetViewAsync(string assetId);

    /// <summary>An operator's step on an alert, taken by the grain of the asset (or drill key) that holds it.</summary>
    Task<AlertActionResult> HandleAlertAsync(string assetId, AlertAction action);

    /// <summary>The alert's escalation clock as its shard holds it (not tracking once the clock stopped).</summary>
    Task<EscalationStatus> EscalationStatusAsync(string alertId);

    /// <summary>A party's act on the alert's case (acknowledge, arrival, release).</summary>
    Task<PartyActOutcome> PartyActAsync(string alertId, PartyAct act, string? organisationId, string actor);

    /// <summary>The region's tally as its grain holds it.</summary>
    Task<RegionSummary> RegionSummaryAsync(string regionId);
}

/// <summary>The grains themselves, through the silo's <see cref="IGrainFactory"/>.</summary>
internal sealed class GrainGateway(IGrainFactory grains) : IGrainGateway
{
    public Task<AssetView> AssetViewAsync(string assetId) => grains.GetGrain<IAssetGrain>(assetId).GetView().AsTask();

    public Task<AlertActionResult> HandleAlertAsync(string assetId, AlertAction action) =>
        grains.GetGrain<IAssetGrain>(assetId).HandleAlert(action).AsTask();

    public Task<EscalationStatus> EscalationStatusAsync(string alertId) => grains.For(alertId).GetStatus().AsTask();

    public Task<PartyActOutcome> PartyActAsync(string alertId, PartyAct act, string? organisationId, string actor) =>
        grains.GetGrain<IPartyCaseGrain>(alertId).Act(act, organisationId, actor).AsTask();

    public Task<RegionSummary> RegionSummaryAsync(string regionId) => grains.GetGrain<IRegionGrain>(regionId).GetSummary().AsTask();
}
