using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Grains.Alerts;

/// <summary>What follows once an alert change is in the system of record: the escalation clock of an open alert.</summary>
internal static class AlertHooks
{
    public static Func<AlertView, AlertView?, Task> AfterRecordAsync(IGrainFactory grains, ILogger logger) => async (after, before) =>
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
    };
}
