using System.Collections.Concurrent;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Server.Notifications;

/// <summary>
/// The latest summary of every region that has changed since start, kept from the region change stream; regions
/// that have not changed read as their starting summary from the <see cref="RegionMap"/>. The map endpoints read here,
/// so drawing the whole city never activates hundreds of region grains. One node only, like <see cref="AlertBoard"/>.
/// </summary>
public sealed class RegionBoard(RegionMap map)
{
    private readonly ConcurrentDictionary<string, RegionSummary> _latest = new(StringComparer.Ordinal);

    public void Apply(RegionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        // One activation reports in order; across a reactivation the newer timestamp wins.
        _latest.AddOrUpdate(summary.RegionId, summary, (_, existing) =>
            existing.UpdatedAt > summary.UpdatedAt || (existing.UpdatedAt == summary.UpdatedAt && existing.Version > summary.Version) ? existing : summary);
    }

    public RegionTally TallyOf(string regionId) =>
        _latest.TryGetValue(regionId, out var summary) ? summary.Tally : map.InitialTallyOf(regionId);
}
