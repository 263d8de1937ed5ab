using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Vehicles;

/// <summary>The geofence thresholds (configuration section <c>Vehicles</c>); the defaults are demo values, not regulation.</summary>
/// <param name="OffRouteMetres">An alert once a vehicle is farther than this from its approved route.</param>
/// <param name="OffRouteClearMetres">An off-route alert clears only once the vehicle is back within this (dead-band).</param>
/// <param name="ZoneClearMetres">A zone alert clears only once the vehicle is this far outside the zone (GPS jitter at the edge).</param>
public sealed record GeofenceSettings(
    double OffRouteMetres = 500, double OffRouteClearMetres = 400, double ZoneClearMetres = 30, WarningLevel OffRouteLevel = WarningLevel.Orange);

/// <summary>What the geofence concluded for one position, given what was active before.</summary>
/// <param name="Zone">The restricted zone the vehicle is in (or still within the clear margin of); null when none.</param>
/// <param name="MetresInsideZone">Depth inside <see cref="Zone"/> (0 on or just outside its edge).</param>
public sealed record GeofenceVerdict(RestrictedZone? Zone, double MetresInsideZone, bool OffRoute, double MetresOffRoute);

/// <summary>
/// The pure geofence rules for hazmat vehicles (issue 6, item 4c). Inside a restricted zone: an alert at the zone's
/// level. More than <see cref="GeofenceSettings.OffRouteMetres"/> from the approved route: an alert at
/// <see cref="GeofenceSettings.OffRouteLevel"/>. Both clear with hysteresis, so a vehicle driving along a zone's edge
/// or at the corridor's limit does not page anyone on every fix. Distances in metres on a local equirectangular
/// projection of WGS84 (<see cref="GeoDistance"/>, as for sensitive sites). Immutable and thread-safe.
/// </summary>
public sealed class Geofence
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private readonly (RestrictedZone Zone, IPreparedGeometry Prepared)[] _zones;

    public Geofence(IEnumerable<RestrictedZone> zones, GeofenceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.OffRouteClearMetres > settings.OffRouteMetres || settings.OffRouteMetres <= 0 || settings.ZoneClearMetres < 0)
        {
            throw new ArgumentException("Need 0 < OffRouteClearMetres <= OffRouteMetres and ZoneClearMetres >= 0.", nameof(settings));
        }

        var factory = new PreparedGeometryFactory();
        // Red zones first: a vehicle in two overlapping zones is reported against the worse one.
        _zones = [.. zones.OrderByDescending(z => z.Level).ThenBy(z => z.Id, StringComparer.Ordinal).Select(z => (z, factory.Create(z.Area)))];
        Settings = settings;
    }

    public GeofenceSettings Settings { get; }

    public IEnumerable<RestrictedZone> Zones => _zones.Select(z => z.Zone);

    /// <param name="activeZoneId">The zone whose alert is active now, if any.</param>
    /// <param name="offRouteActive">Whether the off-route alert is active now.</param>
    public GeofenceVerdict Evaluate(LineString route, double lon, double lat, string? activeZoneId, bool offRouteActive)
    {
        ArgumentNullException.ThrowIfNull(route);
        var position = Factory.CreatePoint(new Coordinate(lon, lat));

        RestrictedZone? zone = null;
        var depth = 0.0;
        foreach (var (candidate, prepared) in _zones)
        {
            if (prepared.Covers(position))
            {
                zone = candidate;
                depth = GeoDistance.Metres(position, candidate.Area.Boundary);
                break;
            }
        }

        if (zone is null && activeZoneId is not null && _zones.FirstOrDefault(z => z.Zone.Id == activeZoneId).Zone is { } previous
            && GeoDistance.Metres(position, previous.Area) < Settings.ZoneClearMetres)
        {
            zone = previous; // just outside the edge: still in, until clearly out
        }

        var offRouteMetres = GeoDistance.Metres(position, route);
        var offRoute = offRouteActive ? offRouteMetres > Settings.OffRouteClearMetres : offRouteMetres > Settings.OffRouteMetres;
        return new GeofenceVerdict(zone, depth, offRoute, offRouteMetres);
    }
}
