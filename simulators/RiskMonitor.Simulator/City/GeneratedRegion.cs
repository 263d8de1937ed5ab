namespace RiskMonitor.Simulator.City;

/// <summary>
/// One feature of the demo city's region file (DESIGN.md §3): a rectangle of the grid hierarchy in city metres with
/// its supervisor (网格员 for a grid, the responsible official above it).
/// </summary>
internal sealed record GeneratedRegion(
    string Id,
    string Name,
    string Level,
    string? ParentId,
    ResponsiblePerson Supervisor,
    double MinEastM,
    double MinNorthM,
    double MaxEastM,
    double MaxNorthM);
