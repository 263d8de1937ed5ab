using RiskMonitor.Domain.Regions;
using RiskMonitor.Grains.Regions;

namespace RiskMonitor.Server.Registry;

/// <summary>The region map of the registry in force on this node, for the region grains to follow (decision 0048).</summary>
internal sealed class LiveRegionMaps(LiveRegistry live) : IRegionMapSource
{
    public RegionMap Current => live.Current.Map;
}
