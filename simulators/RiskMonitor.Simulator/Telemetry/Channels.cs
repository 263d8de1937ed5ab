namespace RiskMonitor.Simulator.Telemetry;

/// <summary>Metric names on the wire (the keys of <c>values</c>); the server's rules refer to the same names.</summary>
internal static class Channels
{
    public const string Ch4Lel = "ch4_lel";
    public const string PressureKpa = "pressure_kpa";
    public const string FlowM3h = "flow_m3h";
    public const string SpeedMps = "speed_mps";
    public const string LoadKg = "load_kg";
    public const string DoorOpen = "door_open";
    public const string Floor = "floor";
    public const string LevelPct = "level_pct";
    public const string TemperatureC = "temperature_c";
    public const string ToxicPpm = "toxic_ppm";
}
