using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Regions;

/// <summary>
/// The registry's assets placed in the region hierarchy, and each region's starting summary (every asset at its
/// inherent colour, so the dynamic layer starts equal to the inherent one). Region grains start from here instead
/// of asking every asset grain, and the map endpoints read here for regions that have not changed. Immutable; built
/// once per registry and region version.
/// </summary>
public sealed class RegionMap
{
    private readonly FrozenDictionary<string, AssetPlacement> _placements;
    private readonly FrozenDictionary<string, ImmutableArray<RegionMember>> _members;
    private readonly FrozenDictionary<string, RegionTally> _initial;

    private RegionMap(RegionIndex index, IReadOnlyList<AssetPlacement> placements, IReadOnlyDictionary<string, AssetDefinition> assets)
    {
        Index = index;
        Placements = [.. placements];
        _placements = placements.ToFrozenDictionary(p => p.AssetId, StringComparer.Ordinal);
        _members = placements
            .SelectMany(p => p.Grids.Select((grid, k) => (Grid: grid, Member: new RegionMember(
                p.AssetId, assets[p.AssetId].Industry, assets[p.AssetId].InherentLevel, Counted: k == 0))))
            .GroupBy(x => x.Grid, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Member).ToImmutableArray(), StringComparer.Ordinal);

        // Bottom-up once: a leaf from its members, a parent from its children, exactly as the grains will add them.
        var initial = new Dictionary<string, RegionTally>(StringComparer.Ordinal);
        foreach (var regionId in _members.Keys.Where(id => !index.TryGet(id, out _)))
        {
            initial[regionId] = LeafTally(regionId); // flat mode: regions the registry names but no region file has
        }

        if (index.RootId is { } root)
        {
            Fill(root);
        }

        _initial = initial.ToFrozenDictionary(StringComparer.Ordinal);

        RegionTally Fill(string regionId)
        {
            var rollup = new RegionRollup();
            foreach (var member in MembersOf(regionId))
            {
                rollup.ReportAsset(member, WarningLevel.None);
            }

            foreach (var child in index.ChildrenOf(regionId))
            {
                rollup.ReportChild(child, Fill(child));
            }

            return initial[regionId] = rollup.Tally;
        }
    }

    public RegionIndex Index { get; }

    public ImmutableArray<AssetPlacement> Placements { get; }

    /// <summary>Assets outside every grid, kept in <see cref="RegionIndex.UnassignedId"/>.</summary>
    public IEnumerable<AssetPlacement> Unassigned => Placements.Where(p => p.Source == PlacementSource.Unassigned);

    public static RegionMap Build(RegionIndex index, IEnumerable<AssetDefinition> assets)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(assets);
        var byId = assets.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var placements = byId.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => AssetPlacer.Place(a, index)).ToList();
        return new RegionMap(index, placements, byId);
    }

    public bool TryGetPlacement(string assetId, [NotNullWhen(true)] out AssetPlacement? placement) => _placements.TryGetValue(assetId, out placement);

    /// <summary>Every region that holds assets itself: the grids with assets, or the registry's regions in flat mode.</summary>
    public IEnumerable<string> MemberRegionIds => _members.Keys;

    /// <summary>The assets a grid rolls up itself (empty above the grids).</summary>
    public ImmutableArray<RegionMember> MembersOf(string regionId) => _members.TryGetValue(regionId, out var members) ? members : [];

    /// <summary>The region's summary with every asset at its inherent colour; empty for an unknown region.</summary>
    public RegionTally InitialTallyOf(string regionId) => _initial.GetValueOrDefault(regionId) ?? RegionTally.Empty;

    /// <summary>True for a region in the hierarchy or one the registry names in flat mode.</summary>
    public bool IsKnown(string regionId) => Index.TryGet(regionId, out _) || _initial.ContainsKey(regionId);

    /// <summary>The asset with its placement written in: primary grid as <c>RegionId</c>, every grid in <c>Grids</c>.</summary>
    public AssetDefinition Stamp(AssetDefinition asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return _placements.TryGetValue(asset.Id, out var placement) && placement.Source != PlacementSource.Flat
            ? asset with { RegionId = placement.Grids[0], Grids = placement.Grids }
            : asset;
    }

    /// <summary>True when any grid of the asset lies in <paramref name="regionId"/> or below it.</summary>
    public bool IsAssetWithin(string assetId, string regionId) =>
        _placements.TryGetValue(assetId, out var placement) && placement.Grids.Any(g => g == regionId || Index.IsWithin(g, regionId));

    private RegionTally LeafTally(string regionId)
    {
        var rollup = new RegionRollup();
        foreach (var member in MembersOf(regionId))
        {
            rollup.ReportAsset(member, WarningLevel.None);
        }

        return rollup.Tally;
    }
}
