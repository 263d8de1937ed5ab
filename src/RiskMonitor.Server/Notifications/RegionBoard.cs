using System.Collections.Concurrent;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Server.Notifications;

/// <summary>
/// Every region's summary as the map endpoints read it, rolled up on this node from the asset levels the
/// <see cref="AlertBoard"/> derives from the current alerts (<see cref="RegionTallies"/>). The alert board is the same on
/// every node of a cluster (it follows the feed) and is rebuilt from the store at start, so this board is too
/// (docs/decisions/0031); and drawing the whole city never activates hundreds of region grains. Regions no warning has
/// touched read as their starting summary from the <see cref="RegionMap"/>.
/// </summary>
public sealed class RegionBoard(RegionMap map)
{
    private readonly Lock _gate = new();
    private readonly RegionTallies _tallies = new(map);

    // Written under _gate after each change, read without it: the roll-ups are not thread-safe, the tallies immutable.
    private readonly ConcurrentDictionary<string, RegionTally> _published = new(StringComparer.Ordinal);

    public void AssetLevelChanged(string assetId, WarningLevel level)
    {
        lock (_gate)
        {
            foreach (var regionId in _tallies.SetAssetLevel(assetId, level))
            {
                _published[regionId] = _tallies.TallyOf(regionId);
            }
        }
    }

    public RegionTally TallyOf(string regionId) =>
        _published.TryGetValue(regionId, out var tally) ? tally : map.InitialTallyOf(regionId);
}
