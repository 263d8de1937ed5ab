namespace RiskMonitor.Storage.Influx;

internal static class InfluxBackoff
{
    /// <summary>Exponential backoff with "equal jitter": at least half the step, so retries really back off; the
    /// random other half, so several silos that lost InfluxDB together do not come back in lock-step.</summary>
    public static TimeSpan Delay(int failures, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        var step = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 40)));
        return TimeSpan.FromTicks((long)(step / 2 + random01 * step / 2));
    }
}
