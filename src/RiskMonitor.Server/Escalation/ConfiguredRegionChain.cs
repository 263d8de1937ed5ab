using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Server.Escalation;

/// <summary>
/// The grid above a region: from the region hierarchy (issue 6) with each region's named supervisor when the region
/// file knows the region, else from <c>Escalation:RegionParents</c> (names unknown: the region group is still told).
/// </summary>
internal sealed class ConfiguredRegionChain(IServiceProvider services, IOptions<EscalationOptions> options) : IRegionChain
{
    private const int MaxDepth = 16; // a cycle in the configured map must not hang an escalation

    public IReadOnlyList<RegionContact> Above(string regionId)
    {
        var map = services.GetService<RegionMap>();
        if (map is not null && map.Index.TryGet(regionId, out _))
        {
            return [.. map.Index.AncestorsOf(regionId).Select(r => new RegionContact(r.Id, r.Supervisor?.Name, r.Supervisor?.Phone))];
        }

        var parents = options.Value.RegionParents;
        var chain = new List<RegionContact>();
        var current = regionId;
        while (chain.Count < MaxDepth && parents.TryGetValue(current, out var parent) && !string.IsNullOrWhiteSpace(parent))
        {
            chain.Add(new RegionContact(parent, null, null));
            current = parent;
        }

        return chain;
    }
}
