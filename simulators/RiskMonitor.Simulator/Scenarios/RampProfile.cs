namespace RiskMonitor.Simulator.Scenarios;

/// <summary>A value that rises linearly from a baseline to a peak, holds, and falls back: the shape of a leak found and fixed.</summary>
internal sealed record RampProfile(double Baseline, double Peak, TimeSpan Rise, TimeSpan Hold, TimeSpan Fall)
{
    /// <summary>
    /// Methane, % LEL: about 1 to 60 in 40 s, 20 s at 60, back to 1 in 20 s. It crosses blue (5), yellow (10),
    /// orange (25) and red (50) on the way up, holds red long enough to page someone, and ends below every clear point.
    /// </summary>
    public static RampProfile GasLeak { get; } = new(1, 60, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20));

    /// <summary>Vessel pressure, kPa: up to 800 (every level from 600 to 750 crossed), then back to normal.</summary>
    public static RampProfile OverPressure { get; } = new(250, 800, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));

    /// <summary>
    /// Methane, % LEL, slowly (issue 22): 1 to 60 over 10 min (5.9 % LEL a minute, red at about 8.3 min), 1 min at 60,
    /// back over 1 min. Slow enough for the methane forecast (60 samples, 5 min lead) to warn minutes before red.
    /// </summary>
    public static RampProfile SlowLeak { get; } = new(1, 60, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    public TimeSpan Duration => Rise + Hold + Fall;

    public double ValueAt(TimeSpan elapsed)
    {
        if (elapsed <= TimeSpan.Zero || elapsed >= Duration)
        {
            return Baseline;
        }

        if (elapsed < Rise)
        {
            return Baseline + ((Peak - Baseline) * (elapsed / Rise));
        }

        if (elapsed < Rise + Hold)
        {
            return Peak;
        }

        return Peak - ((Peak - Baseline) * ((elapsed - Rise - Hold) / Fall));
    }
}
