using RiskMonitor.Domain.Registry;

namespace RiskMonitor.Domain.Tests.Registry;

public sealed class InherentLevelRuleTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);

    [Theory]
    [InlineData("铸铁", null, RiskColour.Blue, RiskColour.Yellow)]
    [InlineData("灰口铸铁", 2020, RiskColour.Yellow, RiskColour.Orange)]
    [InlineData("cast_iron", 1975, RiskColour.Orange, RiskColour.Red)]
    [InlineData("铸铁", 1980, RiskColour.Red, RiskColour.Red)]
    [InlineData("钢", 2006, RiskColour.Blue, RiskColour.Yellow)]
    [InlineData("PE", 2006, RiskColour.Yellow, RiskColour.Orange)]
    [InlineData("钢", 2007, RiskColour.Blue, RiskColour.Blue)]
    [InlineData("PE", null, RiskColour.Blue, RiskColour.Blue)]
    [InlineData("球墨铸铁", 1960, RiskColour.Yellow, RiskColour.Yellow)]
    public void Grey_cast_iron_and_steel_or_pe_in_service_twenty_years_raise_a_gas_mains_level_one_step_never_past_red(
        string material, int? installedYear, RiskColour assessed, RiskColour expected)
    {
        var level = InherentLevelRule.Apply(assessed, "gas_pipeline", material, installedYear, Today);

        Assert.Equal(assessed, level.Assessed);
        Assert.Equal(expected, level.Level);
    }

    [Fact]
    public void A_cast_iron_main_past_twenty_years_is_raised_once_and_the_basis_says_why()
    {
        var level = InherentLevelRule.Apply(RiskColour.Blue, "gas_pipeline", "铸铁", 1990, Today);

        Assert.Equal(RiskColour.Yellow, level.Level);
        Assert.Contains("grey cast iron", level.Basis, StringComparison.Ordinal);
        Assert.Contains("国办发〔2022〕22号", level.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_installation_year_raises_nothing_for_age_and_says_so()
    {
        var level = InherentLevelRule.Apply(RiskColour.Blue, "gas_pipeline", "钢", null, Today);

        Assert.Equal(RiskColour.Blue, level.Level);
        Assert.Contains("installation year unknown", level.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_kinds_and_unknown_material_keep_the_assessed_level()
    {
        Assert.Equal(RiskColour.Orange, InherentLevelRule.Apply(RiskColour.Orange, "elevator", "铸铁", 1970, Today).Level);
        Assert.Equal(RiskColour.Blue, InherentLevelRule.Apply(RiskColour.Blue, "gas_pipeline", null, 1970, Today).Level);
    }
}
