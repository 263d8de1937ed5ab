namespace RiskMonitor.Simulator.Assets;

/// <summary>The asset kinds the simulator knows how to imitate (DESIGN.md §3), and their defaults.</summary>
internal static class AssetKinds
{
    public const string GasPipeline = "gas_pipeline";
    public const string GasStation = "gas_station";
    public const string Elevator = "elevator";
    public const string HazardSource = "hazard_source";

    /// <summary>Hazmat vehicles come from vehicles.geojson and publish positions, not telemetry.</summary>
    public const string HazmatVehicle = "hazmat_vehicle";

    public static bool IsSimulated(string kind) => kind is GasPipeline or GasStation or Elevator or HazardSource;

    /// <summary>Used when a feature carries no <c>reportingIntervalSeconds</c>; the same values the demo city writes.</summary>
    public static TimeSpan DefaultReportingInterval(string kind) =>
        kind == Elevator ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(5);
}
