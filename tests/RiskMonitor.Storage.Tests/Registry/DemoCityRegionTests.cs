using System.Diagnostics;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Storage.Tests.Registry;

/// <summary>The checked-in demo city: its region file loads, and every asset of the asset file finds its grids.</summary>
public sealed class DemoCityRegionTests
{
    private static readonly string DemoCity = FindDemoCity();

    private static readonly Lazy<RegionIndex> Regions = new(() => GeoJsonRegionFile.Load(Path.Combine(DemoCity, "regions.geojson")));

    private static readonly Lazy<GeoJsonAssetRegistry> Assets = new(() => GeoJsonAssetRegistry.Load(Path.Combine(DemoCity, "assets.geojson")));

    [Fact]
    public void The_demo_hierarchy_has_several_districts_dozens_of_streets_and_hundreds_of_grids()
    {
        var levels = Regions.Value.Regions.GroupBy(r => r.Level).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(1, levels[RegionLevel.City]);
        Assert.Equal(5, levels[RegionLevel.District]);
        Assert.InRange(levels[RegionLevel.Street], 24, 99);
        Assert.InRange(levels[RegionLevel.Grid], 200 + 1, 2000); // + the synthetic "unassigned"
        Assert.All(Regions.Value.Regions.Where(r => r.Id != RegionIndex.UnassignedId), r => Assert.NotNull(r.Supervisor));
        Assert.True(new FileInfo(Path.Combine(DemoCity, "regions.geojson")).Length < 3 * 1024 * 1024);
    }

    [Fact]
    public void Every_demo_asset_is_placed_inside_its_registry_district_and_none_is_unassigned()
    {
        var started = Stopwatch.GetTimestamp();
        var map = RegionMap.Build(Regions.Value, Assets.Value.All);
        TestContext.Current.SendDiagnosticMessage($"placed {map.Placements.Length} assets in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

        Assert.Empty(map.Unassigned);
        var outside = map.Placements.Where(p => p.Source == PlacementSource.GeometryOutsideStatedRegion).ToList();
        Assert.True(outside.Count == 0, string.Join("; ", outside.Take(10).Select(p => $"{p.AssetId} in {p.StatedRegionId}? {string.Join(",", p.Grids)}")) + $" ({outside.Count})");
        foreach (var asset in Assets.Value.All)
        {
            Assert.True(map.TryGetPlacement(asset.Id, out var placement));
            Assert.All(placement.Grids, g => Assert.True(Regions.Value.IsWithin(g, asset.RegionId), $"{asset.Id}: {g} is not in {asset.RegionId}"));
        }

        // Pipelines run under streets, which are grid borders: most lie in more than one grid.
        Assert.Contains(map.Placements, p => p.Grids.Length > 2);
    }

    [Fact]
    public void Point_lookup_agrees_with_brute_force_point_in_polygon_over_the_demo_city()
    {
        var grids = Regions.Value.Regions.Where(r => r.Level == RegionLevel.Grid && r.Geometry is not null).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var factory = grids[0].Geometry!.Factory;
        var envelope = Regions.Value.Regions.Single(r => r.ParentId is null).Geometry!.EnvelopeInternal;
        var random = new Random(42);

        for (var k = 0; k < 3000; k++)
        {
            var point = factory.CreatePoint(new Coordinate(
                envelope.MinX - 0.002 + (random.NextDouble() * (envelope.Width + 0.004)),
                envelope.MinY - 0.002 + (random.NextDouble() * (envelope.Height + 0.004))));
            var expected = grids.FirstOrDefault(g => g.Geometry!.Covers(point))?.Id;

            Assert.Equal(expected, Regions.Value.Locate(point).FirstOrDefault());
        }

        // Grid corners are shared by up to four grids: exactly one is chosen.
        foreach (var corner in grids.Take(100).Select(g => factory.CreatePoint(g.Geometry!.Coordinates[2])))
        {
            Assert.Single(Regions.Value.Locate(corner));
        }
    }

    [Fact]
    public void Demo_sensitive_sites_raise_some_city_assets_and_nothing_in_the_chemical_park()
    {
        var sites = GeoJsonSensitiveSiteFile.Load(Path.Combine(DemoCity, "sensitive-sites.geojson"));
        var rule = new SensitiveSiteRule(sites, radiusM: 100);

        var raised = Assets.Value.All.Select(rule.Evaluate).OfType<ConsequenceRaise>().ToList();

        Assert.Contains(sites, s => s.Kind == "hospital");
        Assert.Contains(sites, s => s.Kind == "school");
        Assert.InRange(raised.Count, 10, Assets.Value.Count / 2);
        Assert.All(raised, r => Assert.All(r.Sites, s => Assert.InRange(s.DistanceM, 0, 100)));
        Assert.DoesNotContain(raised, r => r.AssetId.StartsWith("hz-", StringComparison.Ordinal));
    }

    private static string FindDemoCity()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "demo-city");
            if (File.Exists(Path.Combine(candidate, "regions.geojson")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("data/demo-city/regions.geojson not found above " + AppContext.BaseDirectory);
    }
}
