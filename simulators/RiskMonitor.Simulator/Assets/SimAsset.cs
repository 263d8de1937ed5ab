namespace RiskMonitor.Simulator.Assets;

/// <summary>One asset the simulator publishes for, read from the registry GeoJSON.</summary>
/// <param name="Floors">Building height for elevators when the file says (the demo city does); null otherwise.</param>
internal sealed record SimAsset(string Id, string Kind, string Name, TimeSpan ReportingInterval, int? Floors = null);
