using RiskMonitor.Simulator.Assets;

namespace RiskMonitor.Simulator.Scenarios;

/// <summary>A scenario the simulator can play, as listed by <c>GET /scenarios</c> and <c>--help</c>.</summary>
/// <param name="TargetKinds">Kinds the target asset may have; empty means any kind.</param>
internal sealed record ScenarioDefinition(string Name, string Description, IReadOnlyList<string> TargetKinds, string Parameters);

internal static class ScenarioCatalog
{
    public const string GasLeak = "gas-leak";
    public const string Entrapment = "entrapment";
    public const string OverPressure = "over-pressure";
    public const string Silent = "silent";
    public const string Malformed = "malformed";
    public const string Storm = "storm";
    public const string VehicleOffRoute = "vehicle-off-route";
    public const string VehicleIntoZone = "vehicle-into-zone";

    public const int DefaultStormSize = 20;

    public static IReadOnlyList<ScenarioDefinition> All { get; } =
    [
        new(GasLeak, "ch4_lel ramps ~1 -> 60 % LEL over 40 s, holds 20 s, falls back to ~1 over 20 s (crosses blue, yellow, orange, red, then clears).",
            [AssetKinds.GasPipeline, AssetKinds.GasStation], "asset (default: a random pipeline)"),
        new(Entrapment, "Elevator event 'entrapment' active:true with floor and passengers on rm/v1/{id}/event; active:false after the duration (default 120 s). The car stands still with its door shut meanwhile.",
            [AssetKinds.Elevator], "asset, durationSeconds"),
        new(OverPressure, "pressure_kpa ramps to ~800 kPa over 40 s, holds 20 s, falls back over 30 s.",
            [AssetKinds.HazardSource], "asset"),
        new(Silent, "The asset stops publishing for the duration (default 300 s); with status=true (CLI --silent-status) its retained status goes offline and back online at the end.",
            [], "asset, durationSeconds, status"),
        new(Malformed, "Publishes one of each bad input: invalid JSON, wrong type, NaN, Infinity, 1e999, > 64 KiB, unknown asset, invalid asset id, too-long asset id, unknown channel, ts 10 min ahead, empty batch.",
            [], "asset (the known asset used where a valid one is needed; default: the first asset)"),
        new(Storm, $"gas-leak on N random pipelines at once (default {DefaultStormSize}).",
            [AssetKinds.GasPipeline], "count (CLI: storm:N)"),
        new(VehicleOffRoute, "A hazmat vehicle's positions move 800 m north of its approved route for the duration (default 120 s), then back.",
            [AssetKinds.HazmatVehicle], "asset (a vehicle id from vehicles.geojson), durationSeconds"),
        new(VehicleIntoZone, "A hazmat vehicle drives into the restricted zone (school, hospital) nearest its route for the duration (default 60 s), then back.",
            [AssetKinds.HazmatVehicle], "asset (a vehicle id from vehicles.geojson), durationSeconds"),
        .. SensorScenarios.Definitions,
    ];

    public static ScenarioDefinition? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
