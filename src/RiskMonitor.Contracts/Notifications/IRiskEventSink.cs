using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
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
}
