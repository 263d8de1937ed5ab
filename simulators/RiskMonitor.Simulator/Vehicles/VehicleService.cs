using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using RiskMonitor.Simulator.Hosting;
using RiskMonitor.Simulator.Mqtt;
using RiskMonitor.Simulator.Scenarios;

namespace RiskMonitor.Simulator.Vehicles;

/// <summary>The hazmat vehicles of this run (from vehicles.geojson beside the asset file; empty when there is none).</summary>
internal sealed record SimulatedVehicles(IReadOnlyList<SimVehicle> All);

/// <summary>
/// Publishes each hazmat vehicle's position every <see cref="SimVehicle.Interval"/> on <c>rm/v1/{id}/position</c>,
/// driving it along its approved route, or off it while a <c>vehicle-off-route</c> / <c>vehicle-into-zone</c> run is
/// active on it.
/// </summary>
internal sealed class VehicleService(SimulatedVehicles vehicles, GatewayPool gateways, ScenarioEngine scenarios, SimulatorStats stats, TimeProvider time)
    : BackgroundService
{
    private const double SpeedKmh = 36;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (vehicles.All.Count == 0)
        {
            return;
        }

        // Spread the vehicles along their routes so they are not all at the park gate at once.
        var models = vehicles.All.Select((v, k) => new VehicleModel(v, SpeedKmh / 3.6, k * 1_500.0)).ToList();
        using var timer = new PeriodicTimer(SimVehicle.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                foreach (var group in models.GroupBy(m => gateways.GatewayFor(m.Vehicle.Id)))
                {
                    var messages = group.Select(m => Message(m, now)).ToList();
                    await gateways.PublishAsync(group.Key, messages, stoppingToken);
                    stats.Sent(0);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private OutboundMessage Message(VehicleModel model, DateTimeOffset now)
    {
        var (lon, lat) = model.PositionAt(now, scenarios.DetourOf(model.Vehicle.Id, now));
        return new OutboundMessage(Topics.Position(model.Vehicle.Id), Payload(now, lon, lat, SpeedKmh, model.Vehicle.Cargo), false, false, model.Vehicle.Id, "position");
    }

    /// <summary>DESIGN.md §2: <c>{"ts": ms, "lon": .., "lat": .., "speedKmh": .., "cargo": "UN1203"}</c>.</summary>
    public static byte[] Payload(DateTimeOffset at, double lon, double lat, double speedKmh, string cargo) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"ts\":{at.ToUnixTimeMilliseconds()},\"lon\":{Math.Round(lon, 6)},\"lat\":{Math.Round(lat, 6)},\"speedKmh\":{speedKmh},\"cargo\":\"{cargo}\"}}"));
}
