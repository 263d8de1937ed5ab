using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Tests.Regions;

namespace RiskMonitor.Domain.Tests.Access;

public sealed class RegionScopeTests
{
    private static readonly RegionMap Map = RegionMap.Build(TestRegions.City,
    [
        TestRegions.Asset("in-a1", TestRegions.Point(0.5, 1)),
        TestRegions.Asset("in-b2", TestRegions.Point(3.5, 1)),
        TestRegions.Asset("pipe-a2-b1", TestRegions.Line((1.5, 1), (2.5, 1))), // crosses the district border
    ]);

    [Fact]
    public void No_regions_is_city_wide_and_covers_everything()
    {
        var scope = RegionScope.Of([]);

        Assert.True(scope.IsCityWide);
        Assert.True(scope.CoversAsset(Map, "in-b2"));
        Assert.True(scope.CoversRegion(Map.Index, "city"));
    }

    [Fact]
    public void A_street_scope_covers_its_grids_and_their_assets_but_not_the_neighbouring_district_or_the_parents()
    {
        var scope = RegionScope.Of(["st-a"]);

        Assert.True(scope.CoversRegion(Map.Index, "st-a"));
        Assert.True(scope.CoversRegion(Map.Index, "g-a2"));
        Assert.False(scope.CoversRegion(Map.Index, "d-a")); // a parent sums up assets outside the scope
        Assert.False(scope.CoversRegion(Map.Index, "g-b1"));
        Assert.True(scope.CoversAsset(Map, "in-a1"));
        Assert.False(scope.CoversAsset(Map, "in-b2"));
    }

    [Fact]
    public void A_pipeline_crossing_into_the_scope_is_covered_from_both_sides()
    {
        Assert.True(RegionScope.Of(["g-a2"]).CoversAsset(Map, "pipe-a2-b1"));
        Assert.True(RegionScope.Of(["g-b1"]).CoversAsset(Map, "pipe-a2-b1"));
        Assert.False(RegionScope.Of(["g-a1"]).CoversAsset(Map, "pipe-a2-b1"));
    }

    [Fact]
    public void Unknown_assets_and_blank_region_names_are_not_covered_by_a_scope()
    {
        var scope = RegionScope.Of([" g-a1 ", "", "g-a1"]);

        Assert.Equal(["g-a1"], scope.Regions);
        Assert.False(scope.CoversAsset(Map, "no-such-asset"));
    }
}

public sealed class AccessRoleTests
{
    [Theory]
    [InlineData("admin", AccessRole.Supervisor, true)]
    [InlineData("admin", AccessRole.Integrator, true)]
    [InlineData("supervisor", AccessRole.Operator, true)]
    [InlineData("supervisor", AccessRole.Admin, false)]
    [InlineData("operator", AccessRole.Viewer, true)]
    [InlineData("operator", AccessRole.Supervisor, false)]
    [InlineData("viewer", AccessRole.Operator, false)]
    [InlineData("integrator", AccessRole.Viewer, false)]
    [InlineData("integrator", AccessRole.Integrator, true)]
    [InlineData("supervisor", AccessRole.Integrator, false)]
    [InlineData("Operator", AccessRole.Operator, true)]
    [InlineData("root", AccessRole.Viewer, false)]
    public void The_role_ladder_grants_downwards_and_integrator_stands_apart(string held, AccessRole needed, bool granted) =>
        Assert.Equal(granted, AccessRoles.AnyGrants([held], needed));
}
