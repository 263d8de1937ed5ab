using RiskMonitor.Contracts.Alerts;

namespace RiskMonitor.Grains.Alerts;

/// <summary>What follows once an alert change is in the system of record (escalation tracking hangs off here).</summary>
internal static class AlertHooks
{
    public static Func<AlertView, AlertView?, Task> AfterRecordAsync(IGrainFactory grains) => (_, _) => Task.CompletedTask;
}
