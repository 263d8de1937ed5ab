using RiskMonitor.Domain.Regions;
using static RiskMonitor.Domain.Tests.Regions.TestRegions;

namespace RiskMonitor.Domain.Tests.Regions;

public sealed class RegionIndexTests
{
    [Fact]
    public void A_point_inside_a_grid_belongs_to_that_grid_only()
    {
        var grids = City.Locate(Point(0.5, 1));

        Assert.Equal(["g-a1"], grids);
    }

    [Theory]
    [InlineData(1.0, 1.0, "g-a1")] // shared edge of g-a1 and g-a2: the smaller id, whatever the insertion order
    [InlineData(2.0, 2.0, "g-a2")] // corner shared by two grids on the city's edge
    [InlineData(0.0, 1.0, "g-a1")] // on the city's outer boundary: Covers counts it in
    [InlineData(4.0, 0.0, "g-b2")] // the city's far corner
    public void A_point_on_a_boundary_is_covered_and_lands_in_exactly_one_grid(double x, double y, string expected)
    {
        var grids = City.Locate(Point(x, y));

        Assert.Equal([expected], grids);
    }

    [Fact]
    public void A_point_outside_every_grid_is_located_nowhere_and_placed_in_unassigned()
    {
        var asset = Asset("el-far", Point(10, 10));

        var placement = AssetPlacer.Place(asset, City);

        Assert.Empty(City.Locate(asset.Geometry));
        Assert.Equal([RegionIndex.UnassignedId], placement.Grids);
        Assert.Equal(PlacementSource.Unassigned, placement.Source);
        Assert.True(City.TryGet(RegionIndex.UnassignedId, out var unassigned));
        Assert.Equal("city", unassigned.ParentId);
    }

    [Fact]
    public void A_line_crossing_the_city_belongs_to_every_grid_with_the_midpoint_grid_first()
    {
        var grids = City.Locate(Line((0.5, 1), (3.5, 1)));

        // The midpoint (2, 1) lies on the g-a2 / g-b1 border; the smaller id is primary.
        Assert.Equal(["g-a2", "g-a1", "g-b1", "g-b2"], grids);
    }

    [Fact]
    public void A_line_that_only_ends_on_a_border_does_not_belong_to_the_grid_beyond_it()
    {
        var grids = City.Locate(Line((0.2, 1), (1, 1)));

        Assert.Equal(["g-a1"], grids);
    }

    [Fact]
    public void A_line_running_along_a_border_belongs_to_both_grids_unless_restricted_to_one_side()
    {
        var line = Line((2, 0.5), (2, 1.5));

        Assert.Equal(["g-a2", "g-b1"], City.Locate(line));
        Assert.Equal(["g-b1"], City.Locate(line, within: "d-b"));
    }

    [Fact]
    public void Ancestors_run_from_the_parent_up_to_the_city()
    {
        var chain = City.AncestorsOf("g-b2").Select(r => r.Id);

        Assert.Equal(["st-b", "d-b", "city"], chain);
        Assert.True(City.IsWithin("g-b2", "d-b"));
        Assert.False(City.IsWithin("g-b2", "d-a"));
        Assert.Equal(["d-a", "d-b", RegionIndex.UnassignedId], City.ChildrenOf("city"));
    }

    [Fact]
    public void A_broken_hierarchy_is_refused_with_every_problem_listed()
    {
        RegionDefinition[] broken =
        [
            Region("city", RegionLevel.City, null, 0, 0, 4, 2),
            Region("city2", RegionLevel.City, null, 0, 0, 4, 2),
            Region("d-a", RegionLevel.District, "city", 0, 0, 2, 2),
            Region("d-a", RegionLevel.District, "city", 0, 0, 2, 2),
            Region("g-x", RegionLevel.Grid, "nowhere", 0, 0, 1, 1),
            Region("st-up", RegionLevel.City, "d-a", 0, 0, 1, 1),
        ];

        var error = Assert.Throws<RegionIndexException>(() => RegionIndex.Build(broken));

        Assert.Contains(error.Problems, p => p.Contains("duplicate region id 'd-a'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("exactly one region", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("parent 'nowhere' does not exist", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("must be finer", StringComparison.Ordinal));
    }

    [Fact]
    public void The_registry_region_wins_when_it_names_a_grid()
    {
        var placement = AssetPlacer.Place(Asset("el-1", Point(3.5, 1), regionId: "g-a1"), City);

        Assert.Equal(["g-a1"], placement.Grids);
        Assert.Equal(PlacementSource.Registry, placement.Source);
    }

    [Fact]
    public void A_registry_region_above_the_grids_narrows_the_geometric_lookup()
    {
        var onBorder = Line((2, 0.5), (2, 1.5));

        var west = AssetPlacer.Place(Asset("gp-1", onBorder, regionId: "d-a"), City);
        var unknown = AssetPlacer.Place(Asset("gp-2", onBorder, regionId: "d-nowhere"), City);
        var wrongSide = AssetPlacer.Place(Asset("gp-3", Point(3.5, 1), regionId: "d-a"), City);

        Assert.Equal(["g-a2"], west.Grids);
        Assert.Equal(PlacementSource.Geometry, west.Source);
        Assert.Equal(["g-a2", "g-b1"], unknown.Grids);
        Assert.Equal(PlacementSource.GeometryOutsideStatedRegion, unknown.Source);
        Assert.Equal(["g-b2"], wrongSide.Grids);
        Assert.Equal(PlacementSource.GeometryOutsideStatedRegion, wrongSide.Source);
    }

    [Fact]
    public void A_line_beside_a_border_that_only_touches_the_stated_side_stays_on_that_side()
    {
        // Surveyed a little west of the x = 2 border, touching it at its vertices; the registry says district d-b.
        var zigzag = Line((2, 0.2), (1.99, 0.5), (2, 0.8), (1.99, 1.1), (2, 1.4));

        var placement = AssetPlacer.Place(Asset("gp-1", zigzag, regionId: "d-b"), City);

        Assert.Equal(["g-a2"], City.Locate(zigzag));
        Assert.Equal(["g-b1"], placement.Grids);
        Assert.Equal(PlacementSource.Geometry, placement.Source);
    }

    [Fact]
    public void Without_a_region_file_the_registry_region_is_used_as_given()
    {
        var placement = AssetPlacer.Place(Asset("el-1", Point(50, 50), regionId: "d-east"), RegionIndex.Empty);

        Assert.Equal(["d-east"], placement.Grids);
        Assert.Equal(PlacementSource.Flat, placement.Source);
    }

    [Fact]
    public void Lookup_agrees_with_brute_force_point_in_polygon_for_random_points()
    {
        var random = new Random(7);
        var grids = Definitions.Where(d => d.Level == RegionLevel.Grid).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();

        for (var k = 0; k < 2000; k++)
        {
            // Snap a third of the points to the 0.5 lattice so that boundaries and corners are hit often.
            var (x, y) = (random.NextDouble() * 5 - 0.5, random.NextDouble() * 3 - 0.5);
            if (k % 3 == 0)
            {
                (x, y) = (Math.Round(x * 2) / 2, Math.Round(y * 2) / 2);
            }

            var point = Point(x, y);
            var expected = grids.FirstOrDefault(g => g.Geometry!.Covers(point))?.Id;

            Assert.Equal(expected, City.Locate(point).FirstOrDefault());
        }
    }

    [Fact]
    public void An_areas_own_assessed_level_colours_it_and_every_region_above_it_at_least_that_and_nothing_beside_it()
    {
        var assessed = Definitions.Select(r => r.Id switch
        {
            "g-a1" => r with { Assessment = new RegionAssessment(RiskColour.Orange, new DateOnly(2020, 3, 1), "市安全评估中心") },
            "st-a" => r with { Assessment = new RegionAssessment(RiskColour.Yellow, new DateOnly(2020, 3, 1), "市安全评估中心") },
            "d-b" => r with { Assessment = new RegionAssessment(null, new DateOnly(2020, 3, 1), "区应急管理局") }, // a date, no level
            _ => r,
        });

        var index = RegionIndex.Build(assessed);

        Assert.Equal(RiskColour.Orange, index.AreaLevelOf("g-a1"));
        Assert.Equal(RiskColour.Orange, index.AreaLevelOf("st-a")); // its own yellow, raised by the orange grid within it
        Assert.Equal(RiskColour.Orange, index.AreaLevelOf("d-a"));
        Assert.Equal(RiskColour.Orange, index.AreaLevelOf("city"));
        Assert.Null(index.AreaLevelOf("g-a2")); // a sibling is not raised by its neighbour
        Assert.Null(index.AreaLevelOf("d-b"));
        Assert.Null(City.AreaLevelOf("city"));
        Assert.Equal(RiskColour.Red, RiskLevels.Max(RiskColour.Red, index.AreaLevelOf("d-a")));
        Assert.Equal(RiskColour.Orange, RiskLevels.Max(null, index.AreaLevelOf("d-a")));
    }
}
