using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Vehicles;

/// <summary>
/// The registered hazmat vehicles and the geofence, and how a position becomes rule verdicts for the vehicle's alert
/// book: one rule for restricted zones, one for the route corridor, each with at most one open alert per vehicle.
/// Immutable; one per registry version.
/// </summary>
public sealed class HazmatFleet
{
    /// <summary>The zone rule's alert: its <c>metric</c> is the zone id, its value the metres inside the zone.</summary>
    public const string ZoneRuleId = "geofence.restricted_zone";

    /// <summary>The corridor rule's alert: its value is the distance from the approved route in metres.</summary>
    public const string RouteRuleId = "geofence.off_route";

    private readonly FrozenDictionary<string, HazmatVehicle> _vehicles;

    public HazmatFleet(IEnumerable<HazmatVehicle> vehicles, Geofence geofence)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        _vehicles = vehicles.ToFrozenDictionary(v => v.Id, StringComparer.Ordinal);
        Geofence = geofence ?? throw new ArgumentNullException(nameof(geofence));
    }

    public static HazmatFleet Empty { get; } = new([], new Geofence([], new GeofenceSettings()));

    public Geofence Geofence { get; }

    public IEnumerable<HazmatVehicle> Vehicles => _vehicles.Values;

    public bool TryGet(string vehicleId, [NotNullWhen(true)] out HazmatVehicle? vehicle) => _vehicles.TryGetValue(vehicleId, out vehicle);

    /// <summary>
    /// The verdicts of both rules for one fix, given the vehicle's current alerts (their live conditions carry the
    /// hysteresis state, so nothing else has to be persisted). The alert book turns them into raise, upgrade or clear.
    /// </summary>
    public IReadOnlyList<RuleObservation> Observe(
        HazmatVehicle vehicle, double lon, double lat, IEnumerable<Alert> alerts, DateTimeOffset fixAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(alerts);
        string? activeZone = null;
        var offRouteActive = false;
        foreach (var alert in alerts.Where(a => a.ConditionActive))
        {
            if (alert.RuleId == ZoneRuleId)
            {
                activeZone = alert.Metric;
            }
            else if (alert.RuleId == RouteRuleId)
            {
                offRouteActive = true;
            }
        }

        var verdict = Geofence.Evaluate(vehicle.Route, lon, lat, activeZone, offRouteActive);
        var zone = verdict.Zone;
        var offRouteLevel = verdict.OffRoute ? Geofence.Settings.OffRouteLevel : WarningLevel.None;
        return
        [
            new RuleObservation(
                ZoneRuleId, zone?.Level ?? WarningLevel.None, zone?.Id ?? activeZone, zone is null ? 0 : Math.Round(verdict.MetresInsideZone, 1), fixAt, now, null,
                zone is null
                    ? $"{vehicle.Name} ({vehicle.Cargo}) left the restricted zone"
                    : $"{vehicle.Name} ({vehicle.Cargo}) inside restricted zone {zone.Name} ({zone.Kind}), {verdict.MetresInsideZone:0} m in"),
            new RuleObservation(
                RouteRuleId, offRouteLevel, "route_offset_m", Math.Round(verdict.MetresOffRoute, 1), fixAt, now, null,
                verdict.OffRoute
                    ? $"{vehicle.Name} ({vehicle.Cargo}) {verdict.MetresOffRoute:0} m off its approved route (limit {Geofence.Settings.OffRouteMetres:0} m)"
                    : $"{vehicle.Name} ({vehicle.Cargo}) back on its approved route ({verdict.MetresOffRoute:0} m)"),
        ];
    }
}
