namespace RiskMonitor.Domain.Regions;

/// <summary>
/// Every region's summary, kept in one process from the warning levels of the assets: the roll-up the region grains
/// do (grids from their member assets, every other region from its children, each with a <see cref="RegionRollup"/>
/// started as a grain starts it), without a grain call. A node that knows every asset's level (from the cluster-wide
/// alert list) thereby knows every region's colour and counts (docs/decisions/0031). Regions no asset above none has
/// touched read as their starting summary from the <see cref="RegionMap"/> and cost nothing. Not thread-safe.
/// </summary>
public sealed class RegionTallies(RegionMap map)
{
    private readonly Dictionary<string, RegionRollup> _rollups = new(StringComparer.Ordinal);

    public RegionTally TallyOf(string regionId) =>
        _rollups.TryGetValue(regionId, out var rollup) ? rollup.Tally : map.InitialTallyOf(regionId);

    /// <summary>
    /// Records that an asset is now at <paramref name="level"/> (absolute, so a repeat changes nothing) and carries the
    /// change up from each grid it lies in. Returns the regions whose summary changed; empty for an asset the map does
    /// not place, or a level that leaves its colour as it was.
    /// </summary>
    public IReadOnlyCollection<string> SetAssetLevel(string assetId, WarningLevel level)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        if (!map.TryGetPlacement(assetId, out var placement))
        {
            return [];
        }

        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grid in placement.Grids)
        {
            var rollup = RollupOf(grid);
            if (!rollup.TryGetMember(assetId, out var member, out _) || !rollup.ReportAsset(member!, level))
            {
                continue;
            }

            changed.Add(grid);
            for (var child = grid; ParentOf(child) is { } parent; child = parent)
            {
                var before = TallyOf(parent);
                RollupOf(parent).ReportChild(child, TallyOf(child));
                if (TallyOf(parent) == before)
                {
                    break; // the rest of the chain already has it (e.g. a line's second grid in the same community)
                }

                changed.Add(parent);
            }
        }

        return changed;
    }

    private string? ParentOf(string regionId) => map.Index.TryGet(regionId, out var region) ? region.ParentId : null;

    // As RegionGrain.OnActivateAsync: members at none (their inherent colour), children at their current summary.
    private RegionRollup RollupOf(string regionId)
    {
        if (_rollups.TryGetValue(regionId, out var rollup))
        {
            return rollup;
        }

        rollup = new RegionRollup();
        foreach (var member in map.MembersOf(regionId))
        {
            rollup.ReportAsset(member, WarningLevel.None);
        }

        foreach (var child in map.Index.ChildrenOf(regionId))
        {
            rollup.ReportChild(child, TallyOf(child));
        }

        _rollups[regionId] = rollup;
        return rollup;
    }
}
