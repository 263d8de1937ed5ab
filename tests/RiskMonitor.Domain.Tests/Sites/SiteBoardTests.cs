using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Sites;
using RiskMonitor.Domain.Tests.Regions;

namespace RiskMonitor.Domain.Tests.Sites;

public sealed class SiteBoardTests
{
    // Planar test units: GeoDistance treats them as degrees, so 0.001 is about 100 m east-west at the equator.
    private static readonly AssetDefinition[] Registry =
    [
        Tank("hz-1", "江海液氯储罐1", RiskColour.Red, "一级", 0.5, 1.0),
        Tank("hz-2", "江海液氨储罐1", RiskColour.Yellow, "三级", 0.5005, 1.0),
        Tank("hz-9", "别家甲醇储罐", RiskColour.Orange, "二级", 0.501, 1.0) with { OwnerUnit = "别家化工" },
        TestRegions.Asset("gp-near", TestRegions.Point(0.502, 1.0)) with { Grids = ["g-a1"] },
        TestRegions.Asset("gp-far", TestRegions.Point(0.9, 1.0)) with { Grids = ["g-a1"] },
    ];

    private static readonly Dictionary<string, SiteProfile> Profiles = new()
    {
        ["hz-1"] = new("hz-1", "液氯", ["急性毒性（吸入）", "泄漏扩散"], ["有毒气体检测报警", "每班巡检"],
            [new("企业值班室", "江海化工值班室", "0571-06100000"), new("火警 / 急救", "消防 / 医疗急救", "119 / 120")],
            [new("液氯泄漏", "启动事故氯吸收装置")]),
        ["hz-2"] = new("hz-2", "液氨", ["急性毒性（吸入）", "火灾爆炸"], ["每班巡检", "水幕完好"], [], [new("液氨泄漏", "开启水幕")]),
    };

    [Fact]
    public void The_board_gathers_the_units_tanks_their_hazards_measures_and_the_grid_chain_with_live_colours()
    {
        var levels = new Dictionary<string, WarningLevel> { ["hz-2"] = WarningLevel.Orange, ["gp-near"] = WarningLevel.Red };

        var board = SiteBoard.Build(Registry[0], Registry, Profiles, id => levels.GetValueOrDefault(id), TestRegions.City, radiusMetres: 500);

        var notice = board.NoticeBoard;
        Assert.Equal(["hz-1", "hz-2"], notice.RiskPoints.Select(p => p.AssetId)); // the other unit's tank is not ours
        Assert.Equal((RiskColour.Orange, WarningLevel.Orange, "液氨"), (notice.RiskPoints[1].Colour, notice.RiskPoints[1].Level, notice.RiskPoints[1].Substance));
        Assert.Equal((RiskColour.Red, RiskColour.Red), (notice.InherentColour, notice.Colour));
        Assert.Equal(["急性毒性（吸入）", "泄漏扩散", "火灾爆炸"], notice.MainHazards);
        Assert.Equal("江海化工值班室", notice.EmergencyContacts[0].Name);

        var patrol = Assert.Single(board.ControlMeasureList, m => m.Measure == "每班巡检");
        Assert.Equal(["江海液氯储罐1", "江海液氨储罐1"], patrol.RiskPoints);
        Assert.Equal(["液氯泄漏", "液氨泄漏"], board.EmergencyResponseList.Select(r => r.Scenario));
        Assert.All(board.EmergencyResponseList, r => Assert.Equal("江海化工值班室 0571-06100000", r.Contact));

        Assert.Equal("企业安全负责人", board.ResponsibilityList[0].Role);
        Assert.Contains(board.ResponsibilityList, r => r.Name == "网格员 g-a1" && r.Role.Contains("网格", StringComparison.Ordinal));
        Assert.Contains(board.ResponsibilityList, r => r.Name == "网格员 st-a");
        Assert.Contains(board.ResponsibilityList, r => r.Name == "网格员 d-a");

        Assert.Equal(["hz-2", "hz-9", "gp-near"], board.Map.Nearby.Select(a => a.AssetId)); // nearest first, the far pipeline left out
        Assert.Equal(RiskColour.Red, board.Map.Nearby[2].Colour);
        Assert.True(board.Map.Nearby[0].DistanceM < board.Map.Nearby[1].DistanceM);
    }

    [Fact]
    public void A_site_without_registry_site_properties_still_gets_a_board_with_itself_as_the_risk_point()
    {
        var station = TestRegions.Asset("gs-1", TestRegions.Point(3.5, 1)) with { Kind = "gas_station", Grids = ["g-b2"] };

        var board = SiteBoard.Build(station, [station], new Dictionary<string, SiteProfile>(), _ => WarningLevel.None, TestRegions.City, 500);

        Assert.Equal("gs-1", Assert.Single(board.NoticeBoard.RiskPoints).AssetId);
        Assert.Empty(board.NoticeBoard.MainHazards);
        Assert.Empty(board.Map.Nearby);
    }

    private static AssetDefinition Tank(string id, string name, RiskColour inherent, string grade, double x, double y) =>
        new AssetDefinition(id, "hazard_source", name, "hazardous_chemicals", TestRegions.Point(x, y), inherent, grade, "江海化工",
            new ResponsiblePerson("李安全", "0571-01111111"), "g-a1", null)
        { Grids = ["g-a1"] };
}
