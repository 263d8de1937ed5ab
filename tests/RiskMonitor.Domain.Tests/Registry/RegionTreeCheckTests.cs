using RiskMonitor.Domain.Registry;

namespace RiskMonitor.Domain.Tests.Registry;

public sealed class RegionTreeCheckTests
{
    private static readonly Dictionary<string, string?> Parents = new()
    {
        ["city"] = null,
        ["d-1"] = "city",
        ["s-1"] = "d-1",
        ["g-1"] = "s-1",
        ["g-2"] = "s-1",
    };

    [Fact]
    public void A_parent_below_the_region_closes_a_cycle_named_from_the_region_back_to_itself()
    {
        var cycle = RegionTreeCheck.CycleThrough("d-1", "g-1", Parents.GetValueOrDefault);

        Assert.Equal(["d-1", "g-1", "s-1", "d-1"], cycle);
        Assert.Equal(["g-1", "g-1"], RegionTreeCheck.CycleThrough("g-1", "g-1", Parents.GetValueOrDefault));
    }

    [Fact]
    public void Moving_a_region_under_another_branch_or_to_no_parent_is_no_cycle()
    {
        Assert.Null(RegionTreeCheck.CycleThrough("g-2", "d-1", Parents.GetValueOrDefault));
        Assert.Null(RegionTreeCheck.CycleThrough("city", null, Parents.GetValueOrDefault));
        Assert.Null(RegionTreeCheck.CycleThrough("g-9", "missing", Parents.GetValueOrDefault));
    }
}
