using System.Collections.Immutable;
using System.Globalization;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage.Tests.Influx;

internal static class Readings
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Reading number <paramref name="index"/> of a sequence: value = index, 10 ms apart.</summary>
    public static ReadingPoint Numbered(int index, string assetId = "gp-0001", string region = "grid-1") =>
        new(assetId, "gas_pipeline", region, T0.AddMilliseconds(index * 10.0),
            [new MetricValue("value", index)]);

    public static ReadingPoint Methane(string assetId, string region, DateTimeOffset at, double lel, double pressureKpa) =>
        new(assetId, "gas_pipeline", region, at,
            ImmutableArray.Create(new MetricValue("ch4_lel", lel), new MetricValue("pressure_kpa", pressureKpa)));

    /// <summary>The <c>value</c> field of a line written from <see cref="Numbered"/>.</summary>
    public static int ValueOf(string line)
    {
        var fields = line.Split(' ')[^2];
        var value = fields.Split(',').Single(f => f.StartsWith("value=", StringComparison.Ordinal))["value=".Length..];
        return (int)double.Parse(value, CultureInfo.InvariantCulture);
    }

    public static async Task Until(Func<bool> condition, string what, TimeSpan? within = null)
    {
        // A guard against hanging, not a speed assertion: generous on purpose.
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>A temporary folder for one test's spool, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("riskmonitor-spool-").FullName;

    public string Spool => System.IO.Path.Combine(Path, "spool");

    public string Rejected => System.IO.Path.Combine(Path, "rejected");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
