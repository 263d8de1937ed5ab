using RiskMonitor.Simulator.Assets;

namespace RiskMonitor.Simulator.Telemetry;

/// <summary>
/// Turns the total rate asked for into a period per asset. Every asset keeps the proportions of its own reporting
/// interval: at the rate the intervals add up to, each asset reports exactly on its interval; at twice that rate,
/// twice as often. Rate 0 means "exactly the intervals".
/// </summary>
internal static class TelemetrySchedule
{
    private static readonly TimeSpan ShortestPeriod = TimeSpan.FromMilliseconds(1);

    /// <summary>Readings per second when every asset reports on its own interval.</summary>
    public static double NaturalRate(IReadOnlyList<SimAsset> assets) => assets.Sum(a => 1 / a.ReportingInterval.TotalSeconds);

    /// <summary>How much faster than their intervals the assets report.</summary>
    public static double SpeedUp(IReadOnlyList<SimAsset> assets, double ratePerSecond)
    {
        var natural = NaturalRate(assets);
        return ratePerSecond <= 0 || natural <= 0 ? 1 : ratePerSecond / natural;
    }

    public static TimeSpan PeriodOf(SimAsset asset, double speedUp)
    {
        var period = asset.ReportingInterval / speedUp;
        return period < ShortestPeriod ? ShortestPeriod : period;
    }
}
