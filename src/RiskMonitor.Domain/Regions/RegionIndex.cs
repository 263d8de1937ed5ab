using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace RiskMonitor.Domain.Regions;

/// <summary>
/// The region hierarchy and a spatial index over its leaves (the grids). Immutable: the STR-tree is built before the
/// index is published and only queried afterwards, which NetTopologySuite allows from any thread; prepared polygons
/// are likewise safe to share. A reload builds a new index and replaces the old one whole.
/// </summary>
public sealed class RegionIndex
{
    /// <summary>Assets outside every grid are kept here, under the root, instead of being dropped.</summary>
    public const string UnassignedId = "unassigned";

    private static readonly ImmutableArray<string> NoChildren = [];

    private readonly FrozenDictionary<string, RegionDefinition> _byId;
    private readonly FrozenDictionary<string, ImmutableArray<string>> _children;
    private readonly STRtree<Leaf> _leaves;
    private readonly FrozenDictionary<string, RiskColour> _areaLevels;

    private RegionIndex(IReadOnlyList<RegionDefinition> regions, string? rootId)
    {
        Regions = [.. regions];
        RootId = rootId;
        _byId = regions.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);
        _children = regions.Where(r => r.ParentId is not null)
            .GroupBy(r => r.ParentId!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.Id).Order(StringComparer.Ordinal).ToImmutableArray(), StringComparer.Ordinal);

        _leaves = new STRtree<Leaf>();
        var factory = new PreparedGeometryFactory();
        foreach (var region in regions.Where(r => r.Geometry is not null && !_children.ContainsKey(r.Id)))
        {
            _leaves.Insert(region.Geometry!.EnvelopeInternal, new Leaf(region.Id, factory.Create(region.Geometry)));
        }

        _leaves.Build(); // build now: the tree must be read-only before a second thread can see it

        // 就高原则 for the areas too: a district is at least as high as the highest area assessed within it.
        var areaLevels = new Dictionary<string, RiskColour>(StringComparer.Ordinal);
        foreach (var region in regions.Where(r => r.Assessment?.Level is not null))
        {
            var level = region.Assessment!.Level!.Value;
            foreach (var id in AncestorsOf(region.Id).Select(a => a.Id).Prepend(region.Id))
            {
                areaLevels[id] = areaLevels.TryGetValue(id, out var known) && known >= level ? known : level;
            }
        }

        _areaLevels = areaLevels.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>No regions at all: every asset keeps the region id the registry gives it (walking-skeleton mode).</summary>
    public static RegionIndex Empty { get; } = new([], null);

    public ImmutableArray<RegionDefinition> Regions { get; }

    /// <summary>The city; null only for <see cref="Empty"/>.</summary>
    public string? RootId { get; }

    public bool IsEmpty => RootId is null;

    public int Count => _byId.Count;

    public bool TryGet(string regionId, [NotNullWhen(true)] out RegionDefinition? region) => _byId.TryGetValue(regionId, out region);

    public ImmutableArray<string> ChildrenOf(string regionId) => _children.TryGetValue(regionId, out var children) ? children : NoChildren;

    /// <summary>
    /// The highest inherent level an area assessment gave this region or a region within it; null when none did. The
    /// region's colour in both layers is at least this (as an asset's dynamic colour is at least its inherent one).
    /// </summary>
    public RiskColour? AreaLevelOf(string regionId) => _areaLevels.TryGetValue(regionId, out var level) ? level : null;

    public bool IsLeaf(string regionId) => _byId.ContainsKey(regionId) && !_children.ContainsKey(regionId);

    /// <summary>The region's parent, grandparent, ... up to the root; empty for the root or an unknown id.</summary>
    public IEnumerable<RegionDefinition> AncestorsOf(string regionId)
    {
        var current = _byId.GetValueOrDefault(regionId);
        while (current?.ParentId is { } parentId && _byId.TryGetValue(parentId, out var parent))
        {
            yield return parent;
            current = parent;
        }
    }

    /// <summary>True when <paramref name="regionId"/> is <paramref name="ancestorId"/> or lies below it.</summary>
    public bool IsWithin(string regionId, string ancestorId) =>
        regionId == ancestorId || AncestorsOf(regionId).Any(a => a.Id == ancestorId);

    /// <summary>
    /// The grids an asset's geometry belongs to, the primary one first. A point belongs to one grid: the one that
    /// covers it (boundary included); on a shared boundary the grid with the ordinally smallest id, so the answer
    /// never depends on insertion order. A line belongs to every grid whose interior it enters or along whose boundary
    /// it runs (a pipe under a border street matters to both supervisors), but not to one it only touches at a point;
    /// its primary grid is the one covering its midpoint along its length. <paramref name="within"/> restricts the
    /// answer to grids below that region. <paramref name="touching"/> also accepts grids the geometry only touches at
    /// a point: the fallback for a line the registry places on one side of a border it runs along.
    /// </summary>
    public ImmutableArray<string> Locate(Geometry geometry, string? within = null, bool touching = false)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var candidates = _leaves.Query(geometry.EnvelopeInternal)
            .Where(l => within is null || IsWithin(l.RegionId, within))
            .OrderBy(l => l.RegionId, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        if (geometry.Dimension == Dimension.Point)
        {
            // A multi-point's first point decides; registry assets are single points.
            var point = geometry as Point ?? geometry.Factory.CreatePoint(geometry.Coordinate);
            return candidates.FirstOrDefault(l => l.Prepared.Covers(point)) is { } hit ? [hit.RegionId] : [];
        }

        var grids = candidates
            .Where(l => l.Prepared.Intersects(geometry) && (touching || SharesMoreThanPoints(l.Prepared.Geometry, geometry)))
            .Select(l => l.RegionId)
            .ToList();
        if (grids.Count <= 1)
        {
            return [.. grids];
        }

        var midpoint = Midpoint(geometry);
        var primary = candidates.FirstOrDefault(l => grids.Contains(l.RegionId) && l.Prepared.Covers(midpoint))?.RegionId ?? grids[0];
        return [primary, .. grids.Where(g => g != primary)];
    }

    /// <summary>
    /// Builds and validates the hierarchy: unique ids, one root (the city), parents that exist, a child finer than
    /// its parent, polygonal geometry everywhere. Every problem is collected so that one run shows them all. Adds the
    /// <see cref="UnassignedId"/> leaf under the root.
    /// </summary>
    public static RegionIndex Build(IEnumerable<RegionDefinition> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var list = regions.ToList();
        if (list.Count == 0)
        {
            return Empty;
        }

        var problems = new List<string>();
        var byId = new Dictionary<string, RegionDefinition>(StringComparer.Ordinal);
        foreach (var region in list)
        {
            if (region.Id == UnassignedId)
            {
                problems.Add($"region id '{UnassignedId}' is reserved");
            }
            else if (!byId.TryAdd(region.Id, region))
            {
                problems.Add($"duplicate region id '{region.Id}'");
            }

            if (region.Geometry is not (Polygon or MultiPolygon) || region.Geometry.IsEmpty)
            {
                problems.Add($"region '{region.Id}': geometry must be a Polygon or MultiPolygon");
            }
            else if (!region.Geometry.IsValid)
            {
                problems.Add($"region '{region.Id}': polygon is not valid (self-intersecting or badly nested rings)");
            }
        }

        var roots = list.Where(r => r.ParentId is null).ToList();
        if (roots.Count != 1)
        {
            problems.Add($"exactly one region must have no parent (the city); found {roots.Count}");
        }

        foreach (var region in list.Where(r => r.ParentId is not null))
        {
            if (!byId.TryGetValue(region.ParentId!, out var parent))
            {
                problems.Add($"region '{region.Id}': parent '{region.ParentId}' does not exist");
            }
            else if (parent.Level >= region.Level)
            {
                problems.Add($"region '{region.Id}' ({region.Level}) must be finer than its parent '{parent.Id}' ({parent.Level})");
            }
        }

        if (problems.Count > 0)
        {
            throw new RegionIndexException(problems);
        }

        // Levels strictly increase along every parent link, so the hierarchy has no cycles.
        var root = roots[0];
        list.Add(new RegionDefinition(UnassignedId, "未落图资产", RegionLevel.Grid, root.Id, null, null));
        return new RegionIndex(list, root.Id);
    }

    /// <summary>
    /// True when the line enters the polygon's interior or runs along its boundary for a stretch; false when it only
    /// touches it at points. One relate computation instead of a Touches and an Intersection.
    /// </summary>
    private static bool SharesMoreThanPoints(Geometry polygon, Geometry line)
    {
        var matrix = polygon.Relate(line);
        return matrix.Get(Location.Interior, Location.Interior) != Dimension.False
            || matrix.Get(Location.Boundary, Location.Interior) == Dimension.Curve;
    }

    private static Point Midpoint(Geometry line)
    {
        var half = line.Length / 2;
        var coordinates = line.Coordinates;
        for (var k = 1; k < coordinates.Length; k++)
        {
            var segment = coordinates[k - 1].Distance(coordinates[k]);
            if (half <= segment && segment > 0)
            {
                var f = half / segment;
                return line.Factory.CreatePoint(new Coordinate(
                    coordinates[k - 1].X + ((coordinates[k].X - coordinates[k - 1].X) * f),
                    coordinates[k - 1].Y + ((coordinates[k].Y - coordinates[k - 1].Y) * f)));
            }

            half -= segment;
        }

        return line.Factory.CreatePoint(coordinates[^1]);
    }

    private sealed record Leaf(string RegionId, IPreparedGeometry Prepared);
}

/// <summary>A region file that cannot be used; <see cref="Problems"/> lists every reason.</summary>
public sealed class RegionIndexException(IReadOnlyList<string> problems)
    : Exception($"The region hierarchy has {problems.Count} problem(s): " + string.Join("; ", problems.Take(20)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
