using System.Collections.Immutable;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Tests.Reports;

/// <summary>Whom a circular ranks an asset under (decision 0061): the organisation registry first, free text only where it says nothing.</summary>
public sealed class CircularPartiesTests
{
    private static readonly Organisation Binjiang = new("ou-bj", "滨江燃气集团", OrganisationKind.OwnerUnit, null, null, []);
    private static readonly Organisation Chengxi = new("ou-cx", "城西燃气有限公司", OrganisationKind.OwnerUnit, null, null, []);
    private static readonly Organisation GasRegulator = new("reg-gas", "演示市住建局", OrganisationKind.Regulator, "gas", null, []);
    private static readonly Organisation DistrictGasRegulator = new("reg-gas-d", "滨江区住建局", OrganisationKind.Regulator, "gas", null, []);
    private static readonly Dictionary<string, string> Configured = new() { ["gas"] = "住房和城乡建设局（燃气）", ["special_equipment"] = "市场监督管理局（特种设备）" };

    [Fact]
    public void The_registry_parties_name_the_owner_unit_whatever_the_free_text_says()
    {
        var parties = new CircularParties([Binjiang, Chengxi], Parties(("gp-1", "ou-bj", null)), Configured);

        Assert.Equal(new CircularParty("ou-bj", "滨江燃气集团"), parties.OwnerOf("gp-1", null));
        Assert.Equal(new CircularParty("ou-bj", "滨江燃气集团"), parties.OwnerOf("gp-1", "城西燃气有限公司"));
    }

    [Fact]
    public void Free_text_is_the_registered_organisation_it_names_and_stays_text_when_it_names_none()
    {
        var parties = new CircularParties([Binjiang, Chengxi], Parties(), Configured);

        Assert.Equal(new CircularParty("ou-cx", "城西燃气有限公司"), parties.OwnerOf("gp-2", "城西燃气有限公司"));
        Assert.Equal(new CircularParty("ou-cx", "城西燃气有限公司"), parties.OwnerOf("gp-2", " ou-cx "));
        Assert.Equal(new CircularParty(null, "老城燃气站"), parties.OwnerOf("gp-3", "老城燃气站"));
        Assert.Equal(CircularParty.None, parties.OwnerOf("gp-4", " "));
    }

    [Fact]
    public void A_name_two_live_organisations_share_stays_free_text()
    {
        var twin = Chengxi with { Id = "ou-cx2" };
        var retiredTwin = Binjiang with { Id = "ou-bj-old", Retired = true };
        var parties = new CircularParties([Binjiang, Chengxi, twin, retiredTwin], Parties(), Configured);

        Assert.Equal(new CircularParty(null, "城西燃气有限公司"), parties.Named("城西燃气有限公司"));
        Assert.Equal(new CircularParty("ou-bj", "滨江燃气集团"), parties.Named("滨江燃气集团")); // the live one, not the retired namesake
    }

    [Fact]
    public void The_regulator_is_the_parties_then_the_registrys_only_regulator_of_the_industry_then_the_configured_department()
    {
        var named = new CircularParties([GasRegulator, DistrictGasRegulator], Parties(("gp-1", "ou-bj", "reg-gas-d")), Configured);
        var sole = new CircularParties([GasRegulator], Parties(), Configured);
        var two = new CircularParties([GasRegulator, DistrictGasRegulator], Parties(), Configured);

        Assert.Equal(new CircularParty("reg-gas-d", "滨江区住建局"), named.RegulatorOf("gp-1", "gas"));
        Assert.Equal(new CircularParty("reg-gas", "演示市住建局"), sole.RegulatorOf("gp-2", "gas"));
        Assert.Equal(new CircularParty(null, "住房和城乡建设局（燃气）"), two.RegulatorOf("gp-2", "gas")); // two regulators of gas: not guessed
        Assert.Equal(new CircularParty(null, "市场监督管理局（特种设备）"), sole.RegulatorOf("el-1", "special_equipment"));
        Assert.Equal(CircularParty.None, sole.RegulatorOf("x-1", "water"));
    }

    [Fact]
    public void Two_organisations_of_one_name_are_two_lines_and_free_text_of_a_name_is_its_own_line()
    {
        var (from, to) = Circular.PeriodOf(CircularPeriod.Daily, new DateOnly(2026, 12, 7), TimeSpan.FromHours(8));
        CircularAlert[] alerts =
        [
            Alert("a1", from.AddHours(1)) with { OwnerUnitId = "ou-1" },
            Alert("a2", from.AddHours(2)) with { OwnerUnitId = "ou-2" },
            Alert("a3", from.AddHours(3)) with { OwnerUnitId = "ou-2" },
            Alert("a4", from.AddHours(4)),
        ];

        var owners = Circular.Compute(CircularPeriod.Daily, from, to, TimeSpan.FromHours(8), "全市", alerts, [], [])
            .Rankings.Single(r => r.Dimension == CircularDimension.OwnerUnit).Rows;

        Assert.Equal([("同名燃气", "ou-2", 2), ("同名燃气", (string?)null, 1), ("同名燃气", "ou-1", 1)], owners.Select(r => (r.Name, r.OrganisationId, r.Alerts)));
    }

    private static CircularAlert Alert(string id, DateTimeOffset raised) =>
        new(new AlertFacts(id, WarningLevel.Red, raised, null, null, null, 0), "同名燃气", null, null, null);

    private static Dictionary<string, AssetParties> Parties(params (string Asset, string Owner, string? Regulator)[] parties) =>
        parties.ToDictionary(p => p.Asset, p => new AssetParties(p.Asset, p.Owner, null, p.Regulator, ImmutableArray<Person>.Empty), StringComparer.Ordinal);
}
