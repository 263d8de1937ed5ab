using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Tests.Regions;

namespace RiskMonitor.Domain.Tests.Hazards;

public sealed class TipLineTests
{
    private static readonly TipRouting Routing = new(
        new Dictionary<string, string> { ["gas"] = "市城市管理局（燃气）", ["special_equipment"] = "市市场监督管理局" }, "市应急管理局值班室");

    [Theory]
    [InlineData("gas", "市城市管理局（燃气）")]
    [InlineData(" Special_Equipment ", "市市场监督管理局")]
    [InlineData("fireworks", "市应急管理局值班室")]
    [InlineData(null, "市应急管理局值班室")]
    public void A_tip_is_sorted_by_category_to_its_department_and_an_unknown_one_to_the_duty_room(string? category, string department) =>
        Assert.Equal(department, Routing.DepartmentFor(category));

    [Fact]
    public void Coordinates_place_a_tip_in_the_grid_that_covers_them_before_any_address()
    {
        var placed = TipPlacement.Place(TestRegions.City, 2.5, 1, "G-A1 幸福路 8 号");

        Assert.Equal(new TipPlacementResult("g-b1", TipPlacementSource.Coordinates), placed);
    }

    [Fact]
    public void An_address_places_a_tip_in_the_finest_region_it_names_and_one_naming_none_stays_unplaced()
    {
        var street = TipPlacement.Place(TestRegions.City, null, null, "ST-B 幸福路 8 号");
        var grid = TipPlacement.Place(TestRegions.City, null, null, "ST-B G-B2 幸福路 8 号");
        var outside = TipPlacement.Place(TestRegions.City, 99, 99, "幸福路 8 号");

        Assert.Equal(new TipPlacementResult("st-b", TipPlacementSource.Address), street);
        Assert.Equal(new TipPlacementResult("g-b2", TipPlacementSource.Address), grid);
        Assert.Equal(new TipPlacementResult(null, TipPlacementSource.Unplaced), outside);
    }

    [Fact]
    public void A_reference_is_well_formed_and_uses_no_look_alike_characters()
    {
        var reference = TipReference.From(Enumerable.Range(0, 10).Select(i => (byte)(i * 37)).ToArray());

        Assert.True(TipReference.IsWellFormed(reference));
        Assert.Equal(14, reference.Length);
        Assert.DoesNotContain(reference[4..], c => c is '0' or 'O' or '1' or 'I' or 'L');
        Assert.False(TipReference.IsWellFormed("TIP-00000000OO"));
        Assert.False(TipReference.IsWellFormed("HZ-20261206-AB"));
        Assert.False(TipReference.IsWellFormed(null));
    }
}
