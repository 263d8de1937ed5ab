using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Grains.Alerts;

/// <summary>What follows once an alert change is in the system of record: the escalation clock of an open alert.</summary>
internal static class AlertHooks
{
    /// <summary>
    /// Starts, moves or stops the alert's escalation clock without waiting for it: the clock's grain writes its state
    /// and reminder to PostgreSQL, and the push of the alert to the wall must not wait for that (issue 17). Calls from
    /// one activation to one grain arrive in order; a lost one is mended by the sweep and by the clock's own re-read.
    /// </summary>
    public static Action<AlertView, AlertView?> AfterRecord(IGrainFactory grains, ILogger logger) => (after, before) => _ = TrackAsync(grains, logger, after, before);

    private static async Task TrackAsync(IGrainFactory grains, ILogger logger, AlertView after, AlertView? before)
    {
        if (after.State != AlertState.Open && before?.State != AlertState.Open)
        {
            return; // handled earlier: no clock is running
        }

        // Leaving "open" (acknowledged or later) stops the clock now, so its status (and the on-call page) tells the
        // truth at once; the grain also re-reads the store on every tick, so a lost call cannot make it fire.
        DateTimeOffset? openedAt = before is null ? after.RaisedAt : before.State != AlertState.Open ? after.UpdatedAt : null;
        if (after.State == AlertState.Open && openedAt is null && before!.Severity == after.Severity)
        {
            return; // nothing that moves the clock
        }

        try
        {
            await grains.GetGrain<IAlertEscalationGrain>(after.AlertId).Track(after, openedAt);
        }
        catch (Exception ex)
        {
            // The alert is recorded; failing the caller would not replay this hook. The escalation sweep (server) picks
            // up every open alert that is not tracked within minutes.
            EscalationLog.TrackFailed(logger, ex, after.AlertId);
        }
    }
}
