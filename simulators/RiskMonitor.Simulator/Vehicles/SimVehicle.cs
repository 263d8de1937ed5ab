using System.Text.Json;
using RiskMonitor.Simulator.Assets;

namespace RiskMonitor.Simulator.Vehicles;

/// <summary>A hazmat vehicle the simulator drives: its approved route and cargo, and the restricted zone nearest to it.</summary>
internal sealed record SimVehicle(string Id, string Name, string Cargo, IReadOnlyList<(double Lon, double Lat)> Route, (double Lon, double Lat)? NearestZoneCentre)
{
    public const string Kind = "hazmat_vehicle";

    /// <summary>Positions are sent this often while driving.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public SimAsset AsAsset() => new(Id, Kind, Name, Interval);
}

/// <summary>
/// Reads <c>vehicles.geojson</c> and <c>restricted-zones.geojson</c> (as <c>generate-regions</c> writes them) with
/// nothing but <see cref="JsonDocument"/>: the simulator shares no code with the server, so contract drift shows.
/// </summary>
internal static class VehicleFileReader
{
    public static IReadOnlyList<SimVehicle> Read(string vehiclesPath, string? zonesPath)
    {
        var zones = zonesPath is not null && File.Exists(zonesPath) ? ReadZoneCentres(zonesPath) : [];
        using var document = JsonDocument.Parse(File.ReadAllBytes(vehiclesPath));
        var vehicles = new List<SimVehicle>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            var p = feature.GetProperty("properties");
            var route = feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray()
                .Select(c => (c[0].GetDouble(), c[1].GetDouble())).ToList();
            if (route.Count < 2)
            {
                continue;
            }

            var id = p.GetProperty("id").GetString()!;
            (double, double)? nearest = zones.Count == 0 ? null : zones.MinBy(z => route.Min(r => Metres(r, z)));
            vehicles.Add(new SimVehicle(id, p.TryGetProperty("name", out var n) ? n.GetString() ?? id : id, p.GetProperty("cargo").GetString()!, route, nearest));
        }

        return vehicles;
    }

    /// <summary>Metres between two WGS84 points, equirectangular: plenty for a few kilometres.</summary>
    public static double Metres((double Lon, double Lat) a, (double Lon, double Lat) b)
    {
        var dx = (a.Lon - b.Lon) * 111_320 * Math.Cos(a.Lat * Math.PI / 180);
        var dy = (a.Lat - b.Lat) * 111_320;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static List<(double Lon, double Lat)> ReadZoneCentres(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var centres = new List<(double, double)>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            // Only the red zones (schools, hospitals): the scenario is about the worst case.
            if (feature.GetProperty("properties").TryGetProperty("level", out var level) && level.GetString() != "red")
            {
                continue;
            }

            var ring = feature.GetProperty("geometry").GetProperty("coordinates")[0].EnumerateArray()
                .Select(c => (Lon: c[0].GetDouble(), Lat: c[1].GetDouble())).ToList();
            ring.RemoveAt(ring.Count - 1); // the closing point repeats the first
            centres.Add((ring.Average(c => c.Lon), ring.Average(c => c.Lat)));
        }

        return centres;
    }
}

/// <summary>
/// Where a vehicle is at a moment: back and forth along its approved route at a steady speed; on an off-route run 800 m
/// to the side of where it would be (square to the street it is on, on the side farther from the rest of the route, so
/// a turn in the route cannot bring it back within the corridor); on an into-zone run at the centre of the red zone
/// nearest its route. Pure.
/// </summary>
internal sealed class VehicleModel(SimVehicle vehicle, double speedMps, double phaseMetres)
{
    public const double OffRouteMetres = 800;

    private readonly double[] _cumulative = Cumulative(vehicle.Route);

    public SimVehicle Vehicle { get; } = vehicle;

    public (double Lon, double Lat) PositionAt(DateTimeOffset at, string? detour)
    {
        var (onRoute, segment) = OnRoute(((at.ToUnixTimeMilliseconds() / 1000.0) * speedMps) + phaseMetres);
        return detour switch
        {
            "vehicle-off-route" => Aside(onRoute, segment),
            "vehicle-into-zone" when Vehicle.NearestZoneCentre is { } zone => zone,
            _ => onRoute,
        };
    }

    /// <summary>The metres from a point to the nearest point of the route.</summary>
    public double MetresFromRoute((double Lon, double Lat) p)
    {
        var best = double.MaxValue;
        for (var k = 1; k < Vehicle.Route.Count; k++)
        {
            var (ax, ay) = Local(Vehicle.Route[k - 1], p);
            var (bx, by) = Local(Vehicle.Route[k], p);
            var (dx, dy) = (bx - ax, by - ay);
            var length2 = (dx * dx) + (dy * dy);
            var t = length2 == 0 ? 0 : Math.Clamp(-((ax * dx) + (ay * dy)) / length2, 0, 1);
            var (cx, cy) = (ax + (t * dx), ay + (t * dy));
            best = Math.Min(best, Math.Sqrt((cx * cx) + (cy * cy)));
        }

        return best;
    }

    private (double Lon, double Lat) Aside((double Lon, double Lat) onRoute, int segment)
    {
        var (a, b) = (Vehicle.Route[segment], Vehicle.Route[segment + 1]);
        var (dx, dy) = Local(b, a);
        var length = Math.Sqrt((dx * dx) + (dy * dy));
        var (nx, ny) = length == 0 ? (0.0, 1.0) : (-dy / length, dx / length);
        var perLon = 111_320 * Math.Cos(onRoute.Lat * Math.PI / 180);
        (double Lon, double Lat) left = (onRoute.Lon + (nx * OffRouteMetres / perLon), onRoute.Lat + (ny * OffRouteMetres / 111_320));
        (double Lon, double Lat) right = (onRoute.Lon - (nx * OffRouteMetres / perLon), onRoute.Lat - (ny * OffRouteMetres / 111_320));
        return MetresFromRoute(left) >= MetresFromRoute(right) ? left : right;
    }

    /// <summary>Local metres of <paramref name="p"/> east and north of <paramref name="origin"/>.</summary>
    private static (double X, double Y) Local((double Lon, double Lat) p, (double Lon, double Lat) origin) =>
        ((p.Lon - origin.Lon) * 111_320 * Math.Cos(origin.Lat * Math.PI / 180), (p.Lat - origin.Lat) * 111_320);

    private ((double Lon, double Lat) Position, int Segment) OnRoute(double travelled)
    {
        var length = _cumulative[^1];
        var lap = travelled % (2 * length);
        var along = lap <= length ? lap : (2 * length) - lap; // there and back again
        var k = Array.BinarySearch(_cumulative, along);
        k = k >= 0 ? Math.Min(k, _cumulative.Length - 2) : Math.Max(0, ~k - 1);
        var segment = _cumulative[k + 1] - _cumulative[k];
        var f = segment <= 0 ? 0 : (along - _cumulative[k]) / segment;
        var (a, b) = (Vehicle.Route[k], Vehicle.Route[k + 1]);
        return ((a.Lon + ((b.Lon - a.Lon) * f), a.Lat + ((b.Lat - a.Lat) * f)), k);
    }

    private static double[] Cumulative(IReadOnlyList<(double Lon, double Lat)> route)
    {
        var cumulative = new double[route.Count];
        for (var k = 1; k < route.Count; k++)
        {
            cumulative[k] = cumulative[k - 1] + VehicleFileReader.Metres(route[k - 1], route[k]);
        }

        return cumulative;
    }
}
