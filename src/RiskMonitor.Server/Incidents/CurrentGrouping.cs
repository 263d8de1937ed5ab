using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// The current grouping of alerts into incidents (issue 6), computed from the alert read model on each call: what
/// <c>GET /api/incidents</c> lists and what <c>POST /api/incidents/records</c> promotes with a <c>groupId</c>.
/// </summary>
internal static class CurrentGrouping
{
    public const double DefaultDistanceMetres = 200;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    public static IReadOnlyList<Incident> Compute(
        AlertReadModel board, IAssetRegistry registry, Func<AlertView, bool> include, double distanceM = DefaultDistanceMetres, TimeSpan? window = null) =>
        IncidentGrouper.Group(
            [.. board.Alerts.Where(include)
                .Select(a => registry.TryGet(a.AssetId, out var asset) ? new IncidentAlert(a.AlertId, a.AssetId, asset.Geometry, a.RaisedAt, a.Severity) : null)
                .OfType<IncidentAlert>()],
            distanceM, window ?? DefaultWindow);
}
