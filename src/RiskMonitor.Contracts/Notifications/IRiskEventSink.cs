using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Contracts.Notifications;

/// <summary>
/// Where grains hand alert and asset changes for fan-out (SignalR, the alert board, later the integration feed).
/// Implementations must not block: a grain calls this on its single thread.
/// </summary>
public interface IRiskEventSink
{
    void AlertChanged(AlertChangeKind kind, AlertView alert);

    void AssetChanged(AssetView asset);

    /// <summary>A hazmat vehicle's newest fix, for the live layer of the wall (sent coalesced, newest wins).</summary>
    void VehicleMoved(VehicleFix fix);
}

/// <summary>
/// Where a hazmat vehicle is now and how its geofence judges it: <paramref name="Level"/> is the vehicle's current
/// warning level, <paramref name="Alerts"/> the rule ids of its active alerts (off route, in a restricted zone).
/// Stays in the silo (grain to fan-out), so it carries no serializer attributes.
/// </summary>
public sealed record VehicleFix(
    string VehicleId, double Lon, double Lat, double? SpeedKmh, DateTimeOffset At, WarningLevel Level, IReadOnlyList<string> Alerts);
