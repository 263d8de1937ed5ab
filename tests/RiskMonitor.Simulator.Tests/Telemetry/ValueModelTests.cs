using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Tests.Telemetry;

public sealed class ValueModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    // Upper bound of normal operation per channel: well below the first alarm level of the default rules.
    private static readonly Dictionary<string, (double Min, double Max)> NormalBands = new()
    {
        [Channels.Ch4Lel] = (0, 2),
        [Channels.FlowM3h] = (0, 1000),
        [Channels.SpeedMps] = (0, 2.5),
        [Channels.LoadKg] = (0, 800),
        [Channels.DoorOpen] = (0, 1),
        [Channels.Floor] = (1, 40),
        [Channels.LevelPct] = (40, 70),
        [Channels.TemperatureC] = (15, 30),
        [Channels.ToxicPpm] = (0, 3),
    };

    [Theory]
    [InlineData(AssetKinds.GasPipeline, "ch4_lel,pressure_kpa,flow_m3h", 300, 320)]
    [InlineData(AssetKinds.GasStation, "ch4_lel,pressure_kpa", 300, 320)]
    [InlineData(AssetKinds.Elevator, "speed_mps,load_kg,door_open,floor", 0, 0)]
    [InlineData(AssetKinds.HazardSource, "level_pct,temperature_c,pressure_kpa,toxic_ppm", 100, 400)]
    public void Normal_readings_stay_inside_their_bands_for_a_simulated_day(string kind, string channels, double pressureMin, double pressureMax)
    {
        for (var n = 1; n <= 20; n++)
        {
            var model = ValueModel.For(new SimAsset($"x-{n}", kind, "x", TimeSpan.FromSeconds(5), 30), seed: 42);
            for (var s = 0; s < 17_280; s++)
            {
                var values = model.Next(T0.AddSeconds(s * 5), TimeSpan.FromSeconds(5));

                Assert.Equal(channels, string.Join(",", values.Items.Select(i => i.Key)));
                foreach (var (channel, value) in values.Items)
                {
                    Assert.True(double.IsFinite(value));
                    var (min, max) = channel == Channels.PressureKpa ? (pressureMin, pressureMax) : NormalBands[channel];
                    Assert.InRange(value, min, max);
                }
            }
        }
    }

    [Fact]
    public void The_same_asset_and_seed_give_the_same_readings()
    {
        var asset = new SimAsset("gp-0001", AssetKinds.GasPipeline, "x", TimeSpan.FromSeconds(5));
        var a = ValueModel.For(asset, 3);
        var b = ValueModel.For(asset, 3);

        for (var s = 0; s < 100; s++)
        {
            var at = T0.AddSeconds(s);
            Assert.Equal(a.Next(at, TimeSpan.FromSeconds(1)).Items, b.Next(at, TimeSpan.FromSeconds(1)).Items);
        }
    }

    [Fact]
    public void An_elevator_moves_between_floors_and_opens_its_door()
    {
        var model = ValueModel.For(new SimAsset("el-0001", AssetKinds.Elevator, "x", TimeSpan.FromSeconds(10), 20), 42);

        var readings = Enumerable.Range(0, 500).Select(s => model.Next(T0.AddSeconds(s * 10), TimeSpan.FromSeconds(10))).ToList();

        Assert.True(readings.Select(r => r[Channels.Floor]).Distinct().Count() > 5);
        Assert.Contains(readings, r => r[Channels.DoorOpen] == 1);
        Assert.Contains(readings, r => r[Channels.SpeedMps] > 0);
        Assert.DoesNotContain(readings, r => r[Channels.SpeedMps] > 0 && r[Channels.DoorOpen] == 1);
    }
}
