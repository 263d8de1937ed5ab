using System.Collections.Concurrent;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Server.Regions;

namespace RiskMonitor.Server.Alerts;

/// <summary>
/// The current (not closed) alerts, and what follows from them: each asset's warning level and online state, and
/// through the <see cref="RegionReadModel"/> every region's colours and counts. Kept from the same change stream that feeds
/// SignalR, so listing them never fans out to every grain. In a cluster the alerts also follow the PostgreSQL feed
/// (AlertReadModelFeedFollower), so every node lists the alerts raised on every node and derives the same asset levels
/// and region tallies from them (docs/decisions/0029, 0031).
/// </summary>
/// <remarks>
/// An asset's level is the highest level among its alerts that are not closed and whose condition is active, and it is
/// offline while its offline alert's condition is active: the rule of <see cref="AlertBook.ActiveLevel"/> and
/// <c>AssetEvaluator.Online</c>, applied to the same alerts the asset grain restores from the store.
/// </remarks>
internal sealed class AlertReadModel(RegionReadModel? regions = null)
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, AlertView> _alerts = new(StringComparer.Ordinal);

    // Under _gate: each asset's alerts that are not closed, to derive its standing on every change.
    private readonly Dictionary<string, Dictionary<string, AlertView>> _byAsset = new(StringComparer.Ordinal);

    // Assets not at none or not online; every other asset is at none and online.
    private readonly ConcurrentDictionary<string, AssetStanding> _standings = new(StringComparer.Ordinal);

    public IEnumerable<AlertView> Alerts => _alerts.Values;

    /// <summary>
    /// The feed's newest cursor taken just before the read model was seeded from the store: in a cluster the read model follows
    /// the feed from there (AlertReadModelFeedFollower), so nothing committed between the two is missed.
    /// </summary>
    public long SeededAtCursor { get; set; }

    public void Apply(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        lock (_gate)
        {
            var ofAsset = _byAsset.TryGetValue(alert.AssetId, out var known) ? known : null;
            if (alert.State == AlertState.Closed)
            {
                _alerts.TryRemove(alert.AlertId, out _);
                ofAsset?.Remove(alert.AlertId);
            }
            else
            {
                // Changes of one alert come from one grain in order, but the newest by UpdatedAt wins in any case (a
                // node sees its own changes in-process and again from the feed).
                if (_alerts.TryGetValue(alert.AlertId, out var existing) && existing.UpdatedAt > alert.UpdatedAt)
                {
                    return;
                }

                _alerts[alert.AlertId] = alert;
                if (ofAsset is null)
                {
                    _byAsset[alert.AssetId] = ofAsset = new Dictionary<string, AlertView>(StringComparer.Ordinal);
                }

                ofAsset[alert.AlertId] = alert;
            }

            Restate(alert.AssetId, ofAsset);
        }
    }

    /// <summary>The asset's current warning level, from its alerts on this board.</summary>
    public WarningLevel LevelOf(string assetId) => _standings.TryGetValue(assetId, out var standing) ? standing.Level : WarningLevel.None;

    /// <summary>False while the asset's offline alert is active.</summary>
    public bool IsOnline(string assetId) => !_standings.TryGetValue(assetId, out var standing) || standing.Online;

    private void Restate(string assetId, Dictionary<string, AlertView>? alerts)
    {
        var standing = AssetStanding.Normal;
        if (alerts is not null)
        {
            foreach (var alert in alerts.Values)
            {
                if (alert.ConditionActive)
                {
                    standing = new AssetStanding(
                        alert.Level > standing.Level ? alert.Level : standing.Level,
                        standing.Online && alert.RuleId != OfflineRuleDefinition.RuleIdValue);
                }
            }

            if (alerts.Count == 0)
            {
                _byAsset.Remove(assetId);
            }
        }

        var before = _standings.GetValueOrDefault(assetId) ?? AssetStanding.Normal;
        if (standing == before)
        {
            return;
        }

        if (standing == AssetStanding.Normal)
        {
            _standings.TryRemove(assetId, out _);
        }
        else
        {
            _standings[assetId] = standing;
        }

        if (standing.Level != before.Level)
        {
            regions?.AssetLevelChanged(assetId, standing.Level);
        }
    }

    private sealed record AssetStanding(WarningLevel Level, bool Online)
    {
        public static readonly AssetStanding Normal = new(WarningLevel.None, true);
    }
}
