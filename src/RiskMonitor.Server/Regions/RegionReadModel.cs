using System.Collections.Concurrent;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;

namespace RiskMonitor.Server.Regions;

/// <summary>
/// Every region's summary as the map endpoints read it, rolled up on this node from the asset levels the
/// <see cref="AlertReadModel"/> derives from the current alerts (<see cref="RegionTallies"/>). The alert read model is the same on
/// every node of a cluster (it follows the feed) and is rebuilt from the store at start, so this board is too
/// (docs/decisions/0031); and drawing the whole city never activates hundreds of region grains. Regions no warning has
/// touched read as their starting summary from the <see cref="RegionMap"/>.
/// </summary>
internal sealed class RegionReadModel(RegionMap map)
{
    private readonly Lock _gate = new();
    private RegionTallies _tallies = new(map);

    // Written under _gate after each change, read without it: the roll-ups are not thread-safe, the tallies immutable.
    // The map and its published tallies are replaced together when the registry changes, so a reader never pairs them wrong.
    private volatile Published _state = new(map, new(StringComparer.Ordinal));

    public void AssetLevelChanged(string assetId, WarningLevel level)
    {
        lock (_gate)
        {
            foreach (var regionId in _tallies.SetAssetLevel(assetId, level))
            {
                _state.Tallies[regionId] = _tallies.TallyOf(regionId);
            }
        }
    }

    public RegionTally TallyOf(string regionId)
    {
        var state = _state;
        return state.Tallies.TryGetValue(regionId, out var tally) ? tally : state.Map.InitialTallyOf(regionId);
    }

    /// <summary>
    /// The registry changed (docs/decisions/0041-live-registry.md): the roll-ups start again from the new map, with each
    /// asset at the level <paramref name="levelOf"/> (the alert read model) gives it now. A level change that races this one
    /// is not lost: the alert read model records a level before it reports it here, and both take this lock.
    /// </summary>
    public void Replace(RegionMap next, Func<string, WarningLevel> levelOf)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(levelOf);
        lock (_gate)
        {
            var tallies = new RegionTallies(next);
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var placement in next.Placements)
            {
                if (levelOf(placement.AssetId) is var level && level != WarningLevel.None)
                {
                    touched.UnionWith(tallies.SetAssetLevel(placement.AssetId, level));
                }
            }

            var published = new ConcurrentDictionary<string, RegionTally>(StringComparer.Ordinal);
            foreach (var regionId in touched)
            {
                published[regionId] = tallies.TallyOf(regionId);
            }

            _tallies = tallies;
            _state = new Published(next, published);
        }
    }

    private sealed record Published(RegionMap Map, ConcurrentDictionary<string, RegionTally> Tallies);
}
