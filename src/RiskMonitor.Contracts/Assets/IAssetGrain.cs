using RiskMonitor.Contracts.Alerts;
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
    [Alias("CheckSilence")]
    ValueTask CheckSilence();

    /// <summary>
    /// On a drill key (<c>{assetId}!{drillId}</c>, decision 0042): the drill has ended, so take no more injects and close
    /// every alert still open, by <paramref name="actor"/>. Returns how many were closed; a real asset does nothing (0).
    /// </summary>
    [Alias("EndDrill")]
    ValueTask<int> EndDrill(string actor);
}
