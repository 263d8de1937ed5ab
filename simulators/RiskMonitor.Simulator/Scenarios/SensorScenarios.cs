using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Telemetry;

namespace RiskMonitor.Simulator.Scenarios;

/// <summary>
/// Issue 22's demo data: a slow leak (the predictive warning comes minutes before red), a stuck sensor and a drifting
/// sensor. Kept apart from <see cref="ScenarioEngine"/>, which only hands a run's readings to <see cref="SensorEffect.Apply"/>.
/// </summary>
internal static class SensorScenarios
{
    public const string SlowLeak = "slow-leak";
    public const string StuckSensor = "stuck-sensor";
    public const string DriftingSensor = "drifting-sensor";
    public const string FaultyDetector = "faulty-detector";

    public static IReadOnlyList<ScenarioDefinition> Definitions { get; } =
    [
        new(SlowLeak, "ch4_lel creeps up ~1 -> 60 % LEL over 10 min (red at ~8.3 min), holds 1 min, falls back over 1 min: the methane forecast warns minutes before red.",
            [AssetKinds.GasPipeline, AssetKinds.GasStation], "asset (default: a random pipeline)"),
        new(StuckSensor, "pressure_kpa freezes at its value when the scenario starts for the duration (default 10 min): the sensor-health rule calls it stuck after 5 min and holds back its pressure alarms.",
            [AssetKinds.GasPipeline], "asset, durationSeconds"),
        new(DriftingSensor, "ch4_lel drifts up 1 % LEL a minute for the duration (default 15 min), then reads normally again (recalibrated): a detector whose zero wanders.",
            [AssetKinds.GasPipeline, AssetKinds.GasStation], "asset, durationSeconds"),
        new(FaultyDetector, "ch4_lel reads a steady ~55 % LEL for the duration (default 6 min) while the air is clean: a detector failed high. In a detector group its neighbours disagree, so it is held at orange and flagged drifting.",
            [AssetKinds.GasPipeline, AssetKinds.GasStation], "asset, durationSeconds"),
    ];

    public static bool Handles(string scenario) => scenario is SlowLeak or StuckSensor or DriftingSensor or FaultyDetector;

    /// <summary>The effect of one run of <paramref name="scenario"/>; <paramref name="duration"/> applies to the stuck and drifting sensors.</summary>
    public static SensorEffect Create(string scenario, TimeSpan? duration) => scenario switch
    {
        SlowLeak => new RampEffect(Channels.Ch4Lel, RampProfile.SlowLeak),
        StuckSensor => new StuckEffect(Channels.PressureKpa, duration ?? TimeSpan.FromMinutes(10)),
        DriftingSensor => new DriftEffect(Channels.Ch4Lel, 1.0 / 60, duration ?? TimeSpan.FromMinutes(15)),
        FaultyDetector => new FailedHighEffect(Channels.Ch4Lel, 55, duration ?? TimeSpan.FromMinutes(6)),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Not a sensor scenario."),
    };
}

/// <summary>How one run bends its asset's readings, <c>elapsed</c> after it started. Called under the engine's lock.</summary>
internal abstract class SensorEffect(string channel, TimeSpan duration)
{
    public string Channel { get; } = channel;

    public TimeSpan Duration { get; } = duration;

    public abstract string Description { get; }

    public abstract void Apply(TimeSpan elapsed, ChannelValues values, Func<double> gaussian);
}

/// <summary>A leak that adds to whatever the channel reads; 2 % noise keeps it from looking drawn with a ruler.</summary>
internal sealed class RampEffect(string channel, RampProfile profile) : SensorEffect(channel, profile.Duration)
{
    public override string Description =>
        $"{Channel} {profile.Baseline:0} -> {profile.Peak:0} over {profile.Rise.TotalMinutes:0} min, held {profile.Hold.TotalSeconds:0} s, back over {profile.Fall.TotalSeconds:0} s";

    public override void Apply(TimeSpan elapsed, ChannelValues values, Func<double> gaussian)
    {
        var ramp = profile.ValueAt(elapsed) * (1 + (0.02 * gaussian()));
        var normal = values.TryGet(Channel, out var current) ? current : 0;
        values.Set(Channel, Math.Round(Math.Max(normal, ramp), 2));
    }
}

/// <summary>The channel repeats the value it had when the run started, to the last digit, as a frozen transmitter does.</summary>
internal sealed class StuckEffect(string channel, TimeSpan duration) : SensorEffect(channel, duration)
{
    private double? _frozen;

    public override string Description => $"{Channel} frozen for {Duration.TotalSeconds:0} s";

    public override void Apply(TimeSpan elapsed, ChannelValues values, Func<double> gaussian)
    {
        if (values.TryGet(Channel, out var current))
        {
            values.Set(Channel, _frozen ??= current);
        }
    }
}

/// <summary>The channel reads high by an offset that grows steadily: the slow zero drift of a catalytic detector.</summary>
internal sealed class DriftEffect(string channel, double perSecond, TimeSpan duration) : SensorEffect(channel, duration)
{
    public override string Description => $"{Channel} drifting +{perSecond * 60:0.##} a minute for {Duration.TotalSeconds:0} s";

    public override void Apply(TimeSpan elapsed, ChannelValues values, Func<double> gaussian)
    {
        if (values.TryGet(Channel, out var current))
        {
            values.Set(Channel, Math.Round(current + (perSecond * elapsed.TotalSeconds), 2));
        }
    }
}

/// <summary>
/// The channel reads a steady high value whatever the air holds, with a little noise (so it is not also "stuck"): a
/// catalytic cell failed high. 55 % LEL is past red on its own, which is exactly what a detector group's k of n holds
/// back (decision 0050), and more than the drift delta from its neighbours' clean-air readings.
/// </summary>
internal sealed class FailedHighEffect(string channel, double reads, TimeSpan duration) : SensorEffect(channel, duration)
{
    public override string Description => $"{Channel} failed high at ~{reads:0} for {Duration.TotalSeconds:0} s";

    public override void Apply(TimeSpan elapsed, ChannelValues values, Func<double> gaussian)
    {
        if (values.TryGet(Channel, out _))
        {
            values.Set(Channel, Math.Round(reads + gaussian(), 2));
        }
    }
}
