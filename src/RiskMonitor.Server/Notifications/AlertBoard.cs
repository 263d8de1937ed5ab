using System.Collections.Concurrent;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Server.Notifications;

/// <summary>
/// The current (not closed) alerts and the latest summary of every asset that has reported, kept from the same
/// change stream that feeds SignalR, so listing them never fans out to every grain. In a cluster the alerts also
/// follow the PostgreSQL feed, so every node lists the alerts raised on every node (docs/decisions/0029).
/// </summary>
public sealed class AlertBoard
{
    private readonly ConcurrentDictionary<string, AlertView> _alerts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AssetView> _assets = new(StringComparer.Ordinal);

    public IEnumerable<AlertView> Alerts => _alerts.Values;

    /// <summary>
    /// The feed's newest cursor taken just before the board was seeded from the store: in a cluster the board follows
    /// the feed from there (AlertBoardFeedFollower), so nothing committed between the two is missed.
    /// </summary>
    public long SeededAtCursor { get; set; }

    public void Apply(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.State == AlertState.Closed)
        {
            _alerts.TryRemove(alert.AlertId, out _);
            return;
        }

        // Changes of one alert come from one grain in order, but the newest by UpdatedAt wins in any case.
        _alerts.AddOrUpdate(alert.AlertId, alert, (_, existing) => existing.UpdatedAt > alert.UpdatedAt ? existing : alert);
    }

    public void Apply(AssetView asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        _assets[asset.AssetId] = asset;
    }

    public AssetView? Asset(string assetId) => _assets.TryGetValue(assetId, out var asset) ? asset : null;
}
