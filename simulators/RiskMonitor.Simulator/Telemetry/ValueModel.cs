using RiskMonitor.Simulator.Assets;

namespace RiskMonitor.Simulator.Telemetry;

/// <summary>
/// Produces an asset's normal readings: mean-reverting noise around per-asset set points, always well inside the
/// default rules (DESIGN.md §4), so that any alert the demo shows was caused by a scenario. Pure: time comes in as
/// arguments and the noise from a seeded <see cref="Random"/>.
/// </summary>
internal abstract class ValueModel(Random random)
{
    protected Random Random { get; } = random;

    /// <summary>The reading at <paramref name="at"/>, <paramref name="sinceLast"/> after the previous one.</summary>
    public abstract ChannelValues Next(DateTimeOffset at, TimeSpan sinceLast);

    /// <summary>A model per asset kind, seeded from the run seed and the asset id, so each asset has its own set points.</summary>
    public static ValueModel For(SimAsset asset, int seed)
    {
        var random = new Random(unchecked(seed ^ StableHash.Of(asset.Id)));
        return asset.Kind switch
        {
            AssetKinds.GasPipeline => new GasPipelineModel(random),
            AssetKinds.GasStation => new GasStationModel(random),
            AssetKinds.Elevator => new ElevatorModel(random, asset.Floors),
            AssetKinds.HazardSource => new HazardSourceModel(random),
            _ => throw new ArgumentException($"Kind '{asset.Kind}' is not simulated.", nameof(asset)),
        };
    }

    /// <summary>Standard normal draw (Box-Muller).</summary>
    protected double Gaussian()
    {
        var u1 = 1.0 - Random.NextDouble();
        var u2 = Random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>One step of a discrete Ornstein-Uhlenbeck walk, clamped to the band normal operation stays in.</summary>
    protected double Revert(double current, double mean, double pull, double sigma, double min, double max) =>
        Math.Clamp(current + (pull * (mean - current)) + (sigma * Gaussian()), min, max);

    protected double Between(double min, double max) => min + (Random.NextDouble() * (max - min));

    /// <summary>Hour of day in the city (UTC+8), for daily demand and temperature cycles.</summary>
    protected static double LocalHour(DateTimeOffset at) => (at.UtcDateTime.TimeOfDay.TotalHours + 8) % 24;
}

/// <summary>FNV-1a over the id's characters: <see cref="string.GetHashCode()"/> changes per process, this does not.</summary>
internal static class StableHash
{
    public static int Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }
}
