using Orleans.Concurrency;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Groups;
using RiskMonitor.Contracts.Telemetry;

namespace RiskMonitor.Contracts.Assets;

/// <summary>One activation per registered asset, keyed by the asset id from the MQTT topic.</summary>
[Alias("rm.IAssetGrain")]
public interface IAssetGrain : IGrainWithStringKey
{
    [Alias("Ingest")]
    ValueTask Ingest(TelemetryBatch batch);

    [Alias("IngestEvent")]
    ValueTask IngestEvent(DeviceEvent deviceEvent);

    [Alias("SetStatus")]
    ValueTask SetStatus(DeviceStatus status);

    /// <summary>A hazmat vehicle's position: checked against its approved route and the restricted zones.</summary>
    [Alias("IngestPosition")]
    ValueTask IngestPosition(VehiclePosition position);

    [Alias("GetView")]
    ValueTask<AssetView> GetView();

    [Alias("HandleAlert")]
    ValueTask<AlertActionResult> HandleAlert(AlertAction action);

    /// <summary>Raises the offline alert if nothing arrived in time; called by the silo's silence watch.</summary>
    [Alias("CheckSilence")] // the wire name from before the rename: nodes of both versions can talk in a rolling upgrade
    ValueTask CheckQuiet();

    /// <summary>
    /// On a drill key (<c>{assetId}!{drillId}</c>, decision 0042): the drill has ended, so take no more injects and close
    /// every alert still open, by <paramref name="actor"/>. Returns how many were closed; a real asset does nothing (0).
    /// </summary>
    [Alias("EndDrill")]
    ValueTask<int> EndDrill(string actor);

    /// <summary>
    /// From the asset's detector group (decision 0050): how high its corroborated alarm may go. One-way, because the
    /// group answers a report the asset sent and must not wait on an asset that may be waiting on it.
    /// </summary>
    [OneWay, Alias("ApplyGroupCeiling")]
    ValueTask ApplyGroupCeiling(GroupCeiling ceiling);

    /// <summary>From the asset's detector group: it is drifting from its neighbours, or back with them (one-way, as above).</summary>
    [OneWay, Alias("ApplyDrift")]
    ValueTask ApplyDrift(GroupDrift drift);
}
