using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>
/// Issue 24 row 2: the hub's groups against the role matrix, as a pure function (the REST side is
/// <see cref="RoleMatrixTests"/>). Each caller lists exactly the joins it may make; every other join is refused.
/// </summary>
public sealed class HubGroupPolicyTests
{
    private static readonly GeometryFactory Geometry = new();

    private static readonly RegionIndex Regions = RegionIndex.Build(
    [
        Region("city", RegionLevel.City, null, 0, 2),
        Region("d-west", RegionLevel.District, "city", 0, 1),
        Region("d-east", RegionLevel.District, "city", 1, 2),
        Region("g-west", RegionLevel.Grid, "d-west", 0, 1),
    ]);

    /// <summary>Every join the matrix asks about: kind and name; "self" is the caller's own name.</summary>
    private static readonly (string Code, HubGroupKind Kind, string Name)[] Joins =
    [
        ("region:d-west", HubGroupKind.Region, "d-west"),
        ("region:g-west", HubGroupKind.Region, "g-west"),
        ("region:d-east", HubGroupKind.Region, "d-east"),
        ("region:*", HubGroupKind.Region, "*"),
        ("role:duty_officer", HubGroupKind.Role, "duty_officer"),
        ("role:duty_leader", HubGroupKind.Role, "duty_leader"),
        ("role:operator", HubGroupKind.Role, "operator"),
        ("role:anything", HubGroupKind.Role, "anything"),
        ("user:self", HubGroupKind.User, "self"),
        ("user:other", HubGroupKind.User, "张值班"),
    ];

    private const string AllRegions = "region:d-west region:g-west region:d-east region:*";

    /// <summary>The matrix: who may join what. A region-scoped account never joins a role group or another's user group.</summary>
    public static TheoryData<string, string[], string[], string> Matrix => new()
    {
        { "wall", ["viewer"], [], $"{AllRegions} user:self" },
        { "li.wei", ["operator"], [], $"{AllRegions} role:duty_officer user:self" },
        { "xihu.officer", ["operator"], ["d-west"], "region:d-west region:g-west user:self" },
        { "grid.viewer", ["viewer"], ["g-west"], "region:g-west user:self" },
        { "zhang.min", ["supervisor"], [], $"{AllRegions} role:duty_officer role:duty_leader user:self user:other" },
        { "xihu.supervisor", ["supervisor"], ["d-west"], "region:d-west region:g-west user:self" },
        { "admin.li", ["admin"], [], $"{AllRegions} role:duty_officer role:duty_leader user:self user:other" },
        { "xihu.admin", ["admin"], ["d-west"], "region:d-west region:g-west user:self" },
        { "city", ["integrator"], [], "" },
        { "nobody", [], [], "" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Each_caller_may_join_exactly_the_groups_the_matrix_names(string name, string[] roles, string[] regions, string allowed)
    {
        var caller = HubCaller.Of(name, roles, RegionScope.Of(regions));
        var expected = allowed.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        var actual = Joins.Where(j => HubGroupPolicy.Decide(caller, j.Kind, j.Name == "self" ? name : j.Name, Regions).Allowed)
            .Select(j => j.Code).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(expected.Order(), actual.Order());
    }

    [Fact]
    public void Refusals_say_why()
    {
        var officer = HubCaller.Of("xihu.officer", ["operator"], RegionScope.Of(["d-west"]));

        Assert.Contains("city-wide", HubGroupPolicy.Decide(officer, HubGroupKind.Role, "duty_officer", Regions).Refusal, StringComparison.Ordinal);
        Assert.Contains("outside your regions", HubGroupPolicy.Decide(officer, HubGroupKind.Region, "d-east", Regions).Refusal, StringComparison.Ordinal);
        Assert.Contains("own user group", HubGroupPolicy.Decide(officer, HubGroupKind.User, "zhang.min", Regions).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_groups_are_the_city_group_or_one_per_region()
    {
        Assert.Equal(["scope:*"], HubGroupPolicy.ScopeGroups(HubCaller.Of("wall", ["viewer"], RegionScope.CityWide)));
        Assert.Equal(["scope:d-east", "scope:d-west"], HubGroupPolicy.ScopeGroups(HubCaller.Of("x", ["viewer"], RegionScope.Of(["d-west", "d-east"]))));
    }

    [Fact]
    public void A_supervisor_scoped_to_a_district_leaves_the_duty_groups_and_the_city_group_and_joins_the_district()
    {
        var demoted = HubCaller.Of("zhang.min", ["supervisor"], RegionScope.Of(["d-west"]));

        var (leave, join) = HubGroupPolicy.Regroup(
            demoted, [(HubGroupKind.Role, "duty_leader"), (HubGroupKind.Region, "d-west"), (HubGroupKind.Region, "*"), (HubGroupKind.User, "张值班")],
            ["scope:*"], Regions);

        Assert.Equal(["region:*", "role:duty_leader", "scope:*", "user:张值班"], leave.Order(StringComparer.Ordinal));
        Assert.Equal(["scope:d-west"], join);
    }

    private static RegionDefinition Region(string id, RegionLevel level, string? parent, double x0, double x1) =>
        new(id, id, level, parent, Geometry.CreatePolygon([new(x0, 0), new(x1, 0), new(x1, 1), new(x0, 1), new(x0, 0)]), null);
}
