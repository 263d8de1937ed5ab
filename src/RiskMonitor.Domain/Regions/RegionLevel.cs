namespace RiskMonitor.Domain.Regions;

/// <summary>
/// The levels of the grid hierarchy (四级/五级网格), coarsest first. A child is always at a finer level than its
/// parent; a city may skip a level (some have no community layer), so a grid's parent may be a street.
/// </summary>
public enum RegionLevel
{
    City = 0,
    District = 1,
    Street = 2,
    Community = 3,
    Grid = 4,
}
