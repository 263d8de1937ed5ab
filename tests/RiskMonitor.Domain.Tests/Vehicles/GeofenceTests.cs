using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Vehicles;

namespace RiskMonitor.Domain.Tests.Vehicles;

public sealed class GeofenceTests
{
    private static readonly GeometryFactory Factory = new();
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private const double Lat = 30.25;

    /// <summary>An east-west route along latitude 30.25 from lon 120.10 to 120.20 (about 9.6 km).</summary>
    private static readonly LineString Route = Factory.CreateLineString([new(120.10, Lat), new(120.20, Lat)]);

    /// <summary>A school zone 200 m square whose south edge lies 100 m north of the route, centred at lon 120.15.</summary>
    private static readonly RestrictedZone School = new("rz-school", "文澜小学禁行区", "school", WarningLevel.Red, Square(120.15, Lat + Degrees(200), 200));

    /// <summary>An old town 600 m square from 150 m to 750 m north of the route; it overlaps the school.</summary>
    private static readonly RestrictedZone OldTown = new("rz-old", "古城", "old_town", WarningLevel.Orange, Square(120.15, Lat + Degrees(450), 600));

    private static readonly Geofence Fence = new([OldTown, School], new GeofenceSettings());

    private static readonly HazmatVehicle Tanker = new("hv-1", "汽油罐车", "浙A12345", "UN1203", "汽油", "临江危货", null, Route, RiskColour.Orange);

    [Fact]
    public void On_the_route_and_outside_every_zone_nothing_is_wrong()
    {
        var verdict = Fence.Evaluate(Route, 120.13, Lat + Degrees(20), null, false);

        Assert.Null(verdict.Zone);
        Assert.False(verdict.OffRoute);
        Assert.Equal(20, verdict.MetresOffRoute, 0.5);
    }

    [Fact]
    public void Inside_overlapping_zones_the_worse_one_is_reported_with_its_depth()
    {
        var verdict = Fence.Evaluate(Route, 120.15, Lat + Degrees(200), null, false); // the school's centre, in the old town too

        Assert.Same(School, verdict.Zone);
        Assert.Equal(100, verdict.MetresInsideZone, 0.5);
        Assert.False(verdict.OffRoute); // 200 m from the route is within the corridor
    }

    [Fact]
    public void A_zone_alert_holds_just_outside_the_edge_and_clears_beyond_the_margin()
    {
        var edge = Lat + Degrees(750); // the old town's north edge

        var within = Fence.Evaluate(Route, 120.15, edge + Degrees(20), "rz-old", true);
        var beyond = Fence.Evaluate(Route, 120.15, edge + Degrees(40), "rz-old", true);
        var fresh = Fence.Evaluate(Route, 120.15, edge + Degrees(20), null, true);

        Assert.Same(OldTown, within.Zone); // 20 m out, margin 30 m: still in
        Assert.Null(beyond.Zone);
        Assert.Null(fresh.Zone); // never entered: being near is not being in
    }

    [Fact]
    public void Off_route_raises_beyond_500_m_and_clears_only_back_within_400_m()
    {
        var at450 = Fence.Evaluate(Route, 120.11, Lat - Degrees(450), null, false);
        var at520 = Fence.Evaluate(Route, 120.11, Lat - Degrees(520), null, false);
        var back450 = Fence.Evaluate(Route, 120.11, Lat - Degrees(450), null, true);
        var back390 = Fence.Evaluate(Route, 120.11, Lat - Degrees(390), null, true);

        Assert.False(at450.OffRoute);
        Assert.True(at520.OffRoute);
        Assert.True(back450.OffRoute); // inside the dead-band: still off
        Assert.False(back390.OffRoute);
    }

    [Fact]
    public void Beyond_the_ends_of_the_route_the_distance_is_to_its_nearest_end()
    {
        var verdict = Fence.Evaluate(Route, 120.20 + (600 / GeoDistance.MetresPerDegreeLon(Lat)), Lat, null, false);

        Assert.True(verdict.OffRoute);
        Assert.Equal(600, verdict.MetresOffRoute, 1.0);
    }

    [Fact]
    public void A_drive_into_a_school_zone_and_out_raises_one_red_alert_and_clears_it_through_the_alert_book()
    {
        var fleet = new HazmatFleet([Tanker], Fence);
        var book = new AlertBook("hv-1");
        var changes = new List<AlertChange>();
        (double Lon, double Lat)[] drive = [(120.14, Lat), (120.15, Lat + Degrees(150)), (120.15, Lat + Degrees(160)), (120.15, Lat + Degrees(90)), (120.16, Lat)];

        for (var k = 0; k < drive.Length; k++)
        {
            foreach (var observation in fleet.Observe(Tanker, drive[k].Lon, drive[k].Lat, book.Alerts, T0.AddSeconds(10 * k), T0.AddSeconds(10 * k)))
            {
                if (book.Apply(observation) is { } change)
                {
                    changes.Add(change);
                }
            }
        }

        Assert.Equal([AlertChangeKind.Raised, AlertChangeKind.Cleared], changes.Select(c => c.Kind));
        var raised = changes[0].Alert;
        Assert.Equal((HazmatFleet.ZoneRuleId, WarningLevel.Red, "rz-school"), (raised.RuleId, raised.Level, raised.Metric));
        Assert.Contains("文澜小学禁行区", raised.Message, StringComparison.Ordinal);
        Assert.Equal(T0.AddSeconds(10), raised.RaisedAt);
        Assert.Equal(T0.AddSeconds(40), changes[1].Alert.ClearedAt); // 10 m south of the edge at k=3 is within the margin
    }

    [Fact]
    public void Off_route_is_an_orange_alert_whose_value_is_the_distance()
    {
        var fleet = new HazmatFleet([Tanker], Fence);

        var observations = fleet.Observe(Tanker, 120.11, Lat - Degrees(800), [], T0, T0);

        var route = Assert.Single(observations, o => o.RuleId == HazmatFleet.RouteRuleId);
        Assert.Equal(WarningLevel.Orange, route.Level);
        Assert.Equal(800, route.Value!.Value, 1.0);
        Assert.Equal(WarningLevel.None, Assert.Single(observations, o => o.RuleId == HazmatFleet.ZoneRuleId).Level);
    }

    [Fact]
    public void Inconsistent_settings_are_refused() =>
        Assert.Throws<ArgumentException>(() => new Geofence([], new GeofenceSettings(OffRouteMetres: 300, OffRouteClearMetres: 400)));

    private static double Degrees(double metresNorth) => metresNorth / GeoDistance.MetresPerDegreeLat;

    private static Polygon Square(double lonCentre, double latCentre, double sideMetres)
    {
        var dLon = sideMetres / 2 / GeoDistance.MetresPerDegreeLon(latCentre);
        var dLat = sideMetres / 2 / GeoDistance.MetresPerDegreeLat;
        return Factory.CreatePolygon([
            new(lonCentre - dLon, latCentre - dLat), new(lonCentre + dLon, latCentre - dLat), new(lonCentre + dLon, latCentre + dLat),
            new(lonCentre - dLon, latCentre + dLat), new(lonCentre - dLon, latCentre - dLat)]);
    }
}
