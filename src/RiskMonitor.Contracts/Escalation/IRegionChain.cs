using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Contracts.Escalation;

/// <summary>
/// The grid above a region, nearest first, with each region's supervisor: where an escalation climbs. The server
/// answers from the region hierarchy (issue 6) and falls back to the <c>Escalation:RegionParents</c> map.
/// </summary>
public interface IRegionChain
{
    IReadOnlyList<RegionContact> Above(string regionId);
}
