using System.Text.Json;
using RiskMonitor.Simulator.City;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Vehicles;

namespace RiskMonitor.Simulator.Tests.Vehicles;

public sealed class VehicleSimulationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly SimVehicle Tanker = new(
        "hv-001", "汽油罐车", "UN1203", [(120.10, 30.20), (120.11, 30.20), (120.11, 30.21)], (120.105, 30.195));

    [Fact]
    public void A_vehicle_drives_along_its_route_and_back_at_a_steady_speed()
    {
        var model = new VehicleModel(Tanker, speedMps: 10, phaseMetres: 0);
        var start = T0.AddSeconds(-(T0.ToUnixTimeMilliseconds() / 1000.0)); // travelled 0 m at the Unix epoch

        var path = Enumerable.Range(0, 400).Select(s => model.PositionAt(start.AddSeconds(s * 10), null)).ToList();

        Assert.All(path, p => Assert.True(Math.Abs(p.Lat - 30.20) < 1e-9 || Math.Abs(p.Lon - 120.11) < 1e-9)); // always on a leg
        Assert.All(path.Zip(path.Skip(1)), step => Assert.True(VehicleFileReader.Metres(step.First, step.Second) <= 100.5));
        Assert.Contains(path, p => Math.Abs(p.Lat - 30.21) < 6e-4); // reaches the far end (within one 100 m step)
        Assert.Contains(path.Skip(1), p => Math.Abs(p.Lon - 120.10) < 6e-4); // and comes back
    }

    [Fact]
    public void The_vehicle_scenarios_move_it_off_the_route_or_into_the_zone_only_while_they_run()
    {
        var engine = new ScenarioEngine([Tanker.AsAsset()], ScenarioSettings.Default, new Random(1));
        var model = new VehicleModel(Tanker, 10, 0);

        var offRoute = engine.Start(new ScenarioRequest(ScenarioCatalog.VehicleOffRoute, "hv-001"), T0);
        var during = model.PositionAt(T0.AddSeconds(60), engine.DetourOf("hv-001", T0.AddSeconds(60)));
        var after = model.PositionAt(T0.AddSeconds(130), engine.DetourOf("hv-001", T0.AddSeconds(130)));
        var intoZone = engine.Start(new ScenarioRequest(ScenarioCatalog.VehicleIntoZone, "hv-001", Duration: TimeSpan.FromSeconds(30)), T0.AddSeconds(200));
        var inZone = model.PositionAt(T0.AddSeconds(210), engine.DetourOf("hv-001", T0.AddSeconds(210)));
        var silentOnVehicle = engine.Start(new ScenarioRequest(ScenarioCatalog.GasLeak, "hv-001"), T0);

        Assert.Equal(ScenarioOutcomeKind.Accepted, offRoute.Kind);
        Assert.Equal(120, (offRoute.Started!.EndsAt - offRoute.Started.StartsAt).TotalSeconds);
        var onRoute = model.PositionAt(T0.AddSeconds(60), null);
        Assert.Equal(VehicleModel.OffRouteMetres, VehicleFileReader.Metres(onRoute, during), 1.0);
        Assert.True(model.MetresFromRoute(during) > 700); // off the route, not just moved along it
        Assert.Equal(model.PositionAt(T0.AddSeconds(130), null), after);
        Assert.Equal(ScenarioOutcomeKind.Accepted, intoZone.Kind);
        Assert.Equal((120.105, 30.195), inZone);
        Assert.Equal(ScenarioOutcomeKind.WrongKind, silentOnVehicle.Kind);
    }

    [Fact]
    public void Off_route_positions_are_far_from_every_leg_of_a_route_with_a_turn_wherever_the_vehicle_is()
    {
        var model = new VehicleModel(Tanker, speedMps: 10, phaseMetres: 0);

        var distances = Enumerable.Range(0, 500).Select(s => model.MetresFromRoute(model.PositionAt(T0.AddSeconds(s * 7), ScenarioCatalog.VehicleOffRoute))).ToList();

        Assert.All(distances, d => Assert.True(d > 550, $"only {d:0} m off the route")); // the server's corridor is 500 m
    }

    [Fact]
    public void The_position_payload_follows_the_v1_contract()
    {
        var payload = JsonDocument.Parse(VehicleService.Payload(T0, 120.1234567, 30.2, 36, "UN1203")).RootElement;

        Assert.Equal(T0.ToUnixTimeMilliseconds(), payload.GetProperty("ts").GetInt64());
        Assert.Equal(120.123457, payload.GetProperty("lon").GetDouble());
        Assert.Equal(30.2, payload.GetProperty("lat").GetDouble());
        Assert.Equal(36, payload.GetProperty("speedKmh").GetDouble());
        Assert.Equal("UN1203", payload.GetProperty("cargo").GetString());
    }

    [Fact]
    public void Generated_routes_stay_on_streets_outside_every_restricted_zone()
    {
        var vehicles = VehicleGenerator.GenerateVehicles(42);
        var zones = VehicleGenerator.GenerateZones(SensitiveSiteGenerator.Generate(42));

        Assert.Equal(8, vehicles.Count);
        Assert.Equal(vehicles.Count, vehicles.Select(v => v.Id).Distinct().Count());
        foreach (var vehicle in vehicles)
        {
            // Sample each leg every 10 m: no sample may lie inside a zone's (axis-aligned) box.
            for (var k = 1; k < vehicle.Route.Count; k++)
            {
                var (a, b) = (vehicle.Route[k - 1], vehicle.Route[k]);
                for (var f = 0.0; f <= 1.0; f += 0.04)
                {
                    var p = (Lon: a.Lon + ((b.Lon - a.Lon) * f), Lat: a.Lat + ((b.Lat - a.Lat) * f));
                    Assert.DoesNotContain(zones, z => p.Lon > z.Ring.Min(c => c.Lon) && p.Lon < z.Ring.Max(c => c.Lon)
                        && p.Lat > z.Ring.Min(c => c.Lat) && p.Lat < z.Ring.Max(c => c.Lat));
                }
            }
        }

        Assert.Single(zones, z => z.Kind == "old_town");
    }
}
