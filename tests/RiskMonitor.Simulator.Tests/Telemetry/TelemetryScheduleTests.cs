using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Telemetry;

public sealed class TelemetryScheduleTests
{
    private static readonly SimAsset[] Assets =
    [
        new("gp-1", AssetKinds.GasPipeline, "x", TimeSpan.FromSeconds(5)),
        new("gp-2", AssetKinds.GasPipeline, "x", TimeSpan.FromSeconds(5)),
        new("el-1", AssetKinds.Elevator, "x", TimeSpan.FromSeconds(10)),
    ];

    [Fact]
    public void Rate_zero_keeps_every_asset_on_its_own_interval()
    {
        var speedUp = TelemetrySchedule.SpeedUp(Assets, 0);

        Assert.Equal(TimeSpan.FromSeconds(5), TelemetrySchedule.PeriodOf(Assets[0], speedUp));
        Assert.Equal(TimeSpan.FromSeconds(10), TelemetrySchedule.PeriodOf(Assets[2], speedUp));
    }

    [Fact]
    public void A_total_rate_scales_every_interval_by_the_same_factor()
    {
        Assert.Equal(0.5, TelemetrySchedule.NaturalRate(Assets), 9);

        var speedUp = TelemetrySchedule.SpeedUp(Assets, 5);

        Assert.Equal(TimeSpan.FromSeconds(0.5), TelemetrySchedule.PeriodOf(Assets[0], speedUp));
        Assert.Equal(TimeSpan.FromSeconds(1), TelemetrySchedule.PeriodOf(Assets[2], speedUp));
        Assert.Equal(5, Assets.Sum(a => 1 / TelemetrySchedule.PeriodOf(a, speedUp).TotalSeconds), 6);
    }
}
