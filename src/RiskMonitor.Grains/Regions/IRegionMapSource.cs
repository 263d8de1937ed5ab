using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Grains.Regions;

/// <summary>
/// The region map in force on this silo, which changes over the registry API (docs/decisions/0041-live-registry.md):
/// a new map is a new instance, so a holder sees a change by reference. Region grains follow it (decision 0048).
/// </summary>
public interface IRegionMapSource
{
    RegionMap Current { get; }
}

/// <summary>A map that never changes (a host without the live registry, the grain tests).</summary>
public sealed class FixedRegionMapSource(RegionMap map) : IRegionMapSource
{
    public RegionMap Current { get; } = map ?? throw new ArgumentNullException(nameof(map));
}
