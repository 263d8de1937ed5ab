using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Tests.Regions;

public sealed class SensitiveSiteRuleTests
{
    private const double Lat = 30.25;
    private static readonly GeometryFactory Factory = new();
    private static readonly double MetresPerDegreeLon = 111_320 * Math.Cos(Lat * Math.PI / 180);

    private static readonly SensitiveSiteRule Rule = new(
        [
            new SensitiveSite("ss-1", "文澜小学", "school", At(0, 0)),
            new SensitiveSite("ss-2", "春芽幼儿园", "kindergarten", At(60, 0)),
        ],
        radiusM: 100);

    private static Point At(double eastM, double northM) =>
        Factory.CreatePoint(new Coordinate(120.15 + (eastM / MetresPerDegreeLon), Lat + (northM / 111_320)));

    private static AssetDefinition Asset(Geometry geometry, RiskColour inherent) =>
        new("a-1", "gas_station", "a-1", "gas", geometry, inherent, null, null, null, "unassigned", null);

    [Fact]
    public void An_asset_near_a_school_is_raised_one_step_with_the_sites_nearest_first()
    {
        var raise = Rule.Evaluate(Asset(At(-50, 0), RiskColour.Blue));

        Assert.NotNull(raise);
        Assert.Equal(RiskColour.Blue, raise.RegisteredLevel);
        Assert.Equal(RiskColour.Yellow, raise.RaisedLevel);
        var site = Assert.Single(raise.Sites); // the kindergarten is 110 m away
        Assert.Equal("ss-1", site.SiteId);
        Assert.InRange(site.DistanceM, 49.5, 50.5);
    }

    [Fact]
    public void Two_sites_in_reach_still_raise_only_one_step_and_red_stays_red()
    {
        var orange = Rule.Evaluate(Asset(At(30, 0), RiskColour.Orange));
        var red = Rule.Evaluate(Asset(At(30, 0), RiskColour.Red));

        Assert.Equal(RiskColour.Red, orange!.RaisedLevel);
        Assert.Equal(["ss-1", "ss-2"], orange.Sites.Select(s => s.SiteId).Order(StringComparer.Ordinal));
        Assert.Equal(RiskColour.Red, red!.RaisedLevel);
    }

    [Fact]
    public void A_pipeline_is_measured_from_its_nearest_point_and_a_far_asset_is_left_alone()
    {
        var pipeline = Factory.CreateLineString([At(-500, 80).Coordinate, At(500, 80).Coordinate]);

        var near = Rule.Evaluate(Asset(pipeline, RiskColour.Blue));
        var far = Rule.Evaluate(Asset(At(0, 150), RiskColour.Blue));

        Assert.InRange(near!.Sites[0].DistanceM, 79.5, 80.5);
        Assert.Null(far);
    }
}
