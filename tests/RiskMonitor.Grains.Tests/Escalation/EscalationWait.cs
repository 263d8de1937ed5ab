using RiskMonitor.Contracts.Escalation;

namespace RiskMonitor.Grains.Tests.Escalation;

/// <summary>
/// An asset grain starts and stops an alert's escalation clock without waiting for it (the push to the wall must not
/// wait for the clock), so a test reads the clock once it has moved, up to a generous limit.
/// </summary>
internal static class EscalationWait
{
    public static async Task<EscalationStatus> ForAsync(EscalationClockRef clock, bool tracking)
    {
        var status = await clock.GetStatus();
        for (var i = 0; i < 200 && status.Tracking != tracking; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            status = await clock.GetStatus();
        }

        return status;
    }
}
