using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Grains.Alerts;

/// <summary>What follows once an alert change is in the system of record: the escalation clock of an open alert.</summary>
internal static class AlertHooks
{
    /// <summary>
    /// Starts, moves or stops the alert's escalation clock without waiting for it: the push of the alert to the wall
    /// must not wait for the clock's shard (issue 17). Calls from one activation to one grain arrive in order; a lost
    /// one is mended by the escalation sweep, and the clock re-reads the alert before a step fires.
    /// </summary>
    public static Action<AlertView, AlertView?> AfterRecord(IGrainFactory grains, ILogger logger) => (after, before) =>
    {
        _ = TrackAsync(grains, logger, after, before);
        // A drill's alert opens no party case (decision 0042): a rescue rehearsed is not a rescue the unit's KPIs count.
        if (after.Drill is null && after.State == AlertState.Open && (before is null || after.Severity > before.Severity))
        {
            _ = RouteAsync(grains, logger, after);
        }
    };

    /// <summary>
    /// A new alert goes to the parties answerable for its asset (issue 20), without holding up the push either; so does
    /// one that worsens while still open, so that an alert first raised below what any party hears of (blue) is routed
    /// when it turns red, and one already routed at yellow takes red's deadlines and reaches the regulator
    /// (<see cref="RiskMonitor.Domain.Responsibility.PartyCase.Worsened"/>).
    /// </summary>
    private static async Task RouteAsync(IGrainFactory grains, ILogger logger, AlertView alert)
    {
        try
        {
            await grains.GetGrain<IPartyCaseGrain>(alert.AlertId).Open(alert);
        }
        catch (Exception ex)
        {
            Responsibility.ResponsibilityLog.RouteFailed(logger, ex, alert.AlertId);
        }
    }

    private static async Task TrackAsync(IGrainFactory grains, ILogger logger, AlertView after, AlertView? before)
    {
        if (!EscalationClock.Moves(before?.State, before?.Severity, after.State, after.Severity, after.RaisedAt, after.UpdatedAt, out var openedAt))
        {
            return;
        }

        try
        {
            await grains.For(after.AlertId).Shard.Track(after, openedAt);
        }
        catch (Exception ex)
        {
            // The alert is recorded; failing the caller would not replay this hook. The escalation sweep (server) picks
            // up every open alert that is not tracked within minutes.
            EscalationLog.TrackFailed(logger, ex, after.AlertId);
        }
    }
}
