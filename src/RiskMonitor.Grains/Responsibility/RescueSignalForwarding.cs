using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Grains.Responsibility;

/// <summary>
/// A lift's own report of a rescue step (<see cref="RescueSignals"/>, decision 0048) recorded on its entrapment's party
/// case as if the command centre had recorded it: the actor is the device and its event code, so the ledger says where
/// the record came from. Sent without waiting, like the routing call (an asset's events never wait for a store); calls
/// from one activation to one grain arrive in order, so an arrival sent after the entrapment's routing finds its case.
/// </summary>
internal static partial class RescueSignalForwarding
{
    public static void Forward(IGrainFactory grains, ILogger logger, string assetId, IEnumerable<Alert> alerts, RescueStep step, string code)
    {
        // Closed alerts leave the asset's book, so this is the entrapment still being handled, if any.
        if (alerts.FirstOrDefault(a => a.RuleId == RoutedAlert.EntrapmentRuleId) is not { } entrapment)
        {
            NoRescue(logger, assetId, code);
            return;
        }

        _ = RecordAsync(grains, logger, entrapment.AlertId, step, "device:" + code);
    }

    private static async Task RecordAsync(IGrainFactory grains, ILogger logger, string alertId, RescueStep step, string actor)
    {
        try
        {
            var outcome = await grains.GetGrain<IPartyCaseGrain>(alertId).Act(step == RescueStep.Arrival ? PartyAct.Arrive : PartyAct.Release, null, actor);
            if (outcome is not (PartyActOutcome.Done or PartyActOutcome.AlreadyDone))
            {
                NotRecorded(logger, alertId, step, actor, outcome);
            }
        }
        catch (Exception ex)
        {
            // The unit can still record it on its page or over the API; the device's event is in the reading history.
            Failed(logger, ex, alertId, step, actor);
        }
    }

    [LoggerMessage(EventId = 2920, Level = LogLevel.Debug, Message = "Asset {AssetId} reported {Code}, but no entrapment of it is being handled")]
    private static partial void NoRescue(ILogger logger, string assetId, string code);

    [LoggerMessage(EventId = 2921, Level = LogLevel.Information, Message = "Alert {AlertId}: the device's {Step} ({Actor}) was not recorded: {Outcome}")]
    private static partial void NotRecorded(ILogger logger, string alertId, RescueStep step, string actor, PartyActOutcome outcome);

    [LoggerMessage(EventId = 2922, Level = LogLevel.Error, Message = "Alert {AlertId}: could not record the device's {Step} ({Actor})")]
    private static partial void Failed(ILogger logger, Exception exception, string alertId, RescueStep step, string actor);
}
