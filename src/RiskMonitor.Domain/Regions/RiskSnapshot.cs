using System.Collections.Immutable;

namespace RiskMonitor.Domain.Regions;

/// <summary>One row of a risk snapshot: a top-level region (a district) with its summary in both layers.</summary>
public sealed record SnapshotRegion(string RegionId, string Name, RegionLevel Level, RegionTally Tally);

/// <summary>
/// The four-colour map at one moment (issue 6, item 6: the data behind a risk white paper): counts per colour by
/// district and, city-wide, by industry, in both layers. Built from the asset warning levels in force at that moment
/// by the same <see cref="RegionRollup"/> the region grains use, so "now" equals the live roll-ups by construction of
/// the arithmetic, and a past moment equals what the grains showed then, given the levels then.
/// </summary>
public sealed record RiskSnapshot(ImmutableArray<SnapshotRegion> Districts, RegionTally City)
{
    /// <summary>
    /// Rolls the registry's assets up through the hierarchy with the given warning levels (an asset not named is at
    /// none, i.e. its inherent colour). The rows are the city's children (districts, and <c>unassigned</c> when it
    /// holds assets); without a region file (flat mode), the regions the registry names.
    /// </summary>
    public static RiskSnapshot Compute(RegionMap map, IReadOnlyDictionary<string, WarningLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(levels);
        var index = map.Index;
        var city = new RegionRollup();
        var rows = ImmutableArray.CreateBuilder<SnapshotRegion>();
        IEnumerable<string> tops = index.RootId is { } root
            ? index.ChildrenOf(root)
            : map.MemberRegionIds.Order(StringComparer.Ordinal);
        foreach (var top in tops)
        {
            var tally = Fill(top);
            city.ReportChild(top, tally);
            // The synthetic unassigned leaf is listed only when it holds assets; every real district is listed.
            if (top == RegionIndex.UnassignedId && tally == RegionTally.Empty)
            {
                continue;
            }

            index.TryGet(top, out var definition);
            rows.Add(new SnapshotRegion(top, definition?.Name ?? top, definition?.Level ?? RegionLevel.District, tally));
        }

        if (index.RootId is { } cityId)
        {
            foreach (var member in map.MembersOf(cityId))
            {
                city.ReportAsset(member, LevelOf(member.AssetId)); // a city without children holds its assets itself
            }
        }

        return new RiskSnapshot(rows.ToImmutable(), city.Tally);

        RegionTally Fill(string regionId)
        {
            var rollup = new RegionRollup();
            foreach (var member in map.MembersOf(regionId))
            {
                rollup.ReportAsset(member, LevelOf(member.AssetId));
            }

            foreach (var child in index.ChildrenOf(regionId))
            {
                rollup.ReportChild(child, Fill(child));
            }

            return rollup.Tally;
        }

        WarningLevel LevelOf(string assetId) => levels.GetValueOrDefault(assetId, WarningLevel.None);
    }
}
