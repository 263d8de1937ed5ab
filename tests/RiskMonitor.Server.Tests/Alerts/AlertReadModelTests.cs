using NetTopologySuite.Geometries;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Regions;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary>The asset levels and region tallies a node derives from the alerts on its board (docs/decisions/0031).</summary>
public sealed class AlertReadModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // Flat mode (no region file): the regions are the registry's regionIds.
    private static readonly RegionMap Map = RegionMap.Build(RegionIndex.Empty, [Asset("gp-1", "r-east"), Asset("gp-2", "r-east"), Asset("gp-3", "r-west")]);

    [Fact]
    public void An_alert_makes_its_asset_and_region_red_until_its_condition_clears_and_a_closed_one_counts_no_more()
    {
        var regions = new RegionReadModel(Map);
        var board = new AlertReadModel(regions);

        board.Apply(Alert("a-1", "gp-1", "ch4_lel.high", WarningLevel.Red, active: true, AlertState.Open, T0));
        board.Apply(Alert("a-2", "gp-1", "pressure.low", WarningLevel.Yellow, active: true, AlertState.Open, T0));

        Assert.Equal(WarningLevel.Red, board.LevelOf("gp-1"));
        Assert.Equal(RiskColour.Red, regions.TallyOf("r-east").Dynamic.Highest);
        Assert.Equal(new ColourCounts(Blue: 1, Yellow: 0, Orange: 0, Red: 1), regions.TallyOf("r-east").Dynamic.Counts);
        Assert.Equal(Map.InitialTallyOf("r-west"), regions.TallyOf("r-west"));

        board.Apply(Alert("a-1", "gp-1", "ch4_lel.high", WarningLevel.Red, active: false, AlertState.Acknowledged, T0.AddSeconds(5)));

        Assert.Equal(WarningLevel.Yellow, board.LevelOf("gp-1")); // the other alert still holds
        Assert.Equal(RiskColour.Yellow, regions.TallyOf("r-east").Dynamic.Highest);

        board.Apply(Alert("a-2", "gp-1", "pressure.low", WarningLevel.Yellow, active: true, AlertState.Closed, T0.AddSeconds(9)));

        Assert.Equal(WarningLevel.None, board.LevelOf("gp-1"));
        Assert.Equal(Map.InitialTallyOf("r-east"), regions.TallyOf("r-east"));
    }

    [Fact]
    public void An_older_change_seen_again_from_the_feed_does_not_undo_a_newer_one()
    {
        var regions = new RegionReadModel(Map);
        var board = new AlertReadModel(regions);
        var raised = Alert("a-1", "gp-3", "ch4_lel.high", WarningLevel.Red, active: true, AlertState.Open, T0);
        var cleared = raised with { ConditionActive = false, UpdatedAt = T0.AddSeconds(3) };

        board.Apply(raised);
        board.Apply(cleared);
        board.Apply(raised); // this node's own change, read again from the feed

        Assert.Equal(WarningLevel.None, board.LevelOf("gp-3"));
        Assert.Equal(Map.InitialTallyOf("r-west"), regions.TallyOf("r-west"));
    }

    [Fact]
    public void An_asset_is_offline_while_its_offline_alert_is_active()
    {
        var board = new AlertReadModel();

        board.Apply(Alert("a-1", "gp-2", "offline", WarningLevel.Blue, active: true, AlertState.Open, T0));

        Assert.False(board.IsOnline("gp-2"));
        Assert.Equal(WarningLevel.Blue, board.LevelOf("gp-2"));
        Assert.True(board.IsOnline("gp-1"));

        board.Apply(Alert("a-1", "gp-2", "offline", WarningLevel.Blue, active: false, AlertState.Open, T0.AddSeconds(1)));

        Assert.True(board.IsOnline("gp-2"));
    }

    private static AssetDefinition Asset(string id, string regionId) =>
        new(id, "gas_pipeline", id, "gas", new GeometryFactory().CreatePoint(new Coordinate(120.1, 30.2)), RiskColour.Blue, null, null, null, regionId, null);

    private static AlertView Alert(string alertId, string assetId, string ruleId, WarningLevel level, bool active, AlertState state, DateTimeOffset at) => new(
        alertId, assetId, ruleId, level, level, state, active, null, null, at, T0, at, null, null, "test", assetId, "gas_pipeline", "gas", "r");
}
