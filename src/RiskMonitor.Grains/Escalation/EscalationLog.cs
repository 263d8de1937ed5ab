using Microsoft.Extensions.Logging;
using RiskMonitor.Domain;

namespace RiskMonitor.Grains;

internal static partial class EscalationLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Alert {AlertId} escalated: step {Step}, level {Level}, severity {Severity}, to {Recipients}")]
    public static partial void Escalated(ILogger logger, string alertId, int step, int level, WarningLevel severity, string recipients);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Alert {AlertId} escalation stopped after {Steps} steps (state {State})")]
    public static partial void Stopped(ILogger logger, string alertId, int steps, string state);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Could not start escalation tracking for alert {AlertId}; the escalation sweep will retry")]
    public static partial void TrackFailed(ILogger logger, Exception exception, string alertId);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Information, Message = "Alert {AlertId}: escalation step {Step} held by silence {SilenceId} until {Until}")]
    public static partial void Silenced(ILogger logger, string alertId, int step, string silenceId, DateTimeOffset until);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Warning, Message = "Escalation check of alert {AlertId} failed; trying again in {Retry}")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string alertId, TimeSpan retry);

    [LoggerMessage(EventId = 2207, Level = LogLevel.Warning, Message = "Escalation shard {Shard} could not register its reminder; its clocks run on the timer, trying again in {Retry}")]
    public static partial void ReminderFailed(ILogger logger, Exception exception, int shard, TimeSpan retry);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Information, Message = "Alert {AlertId}: {Steps} escalation steps found in the ledger, its clock had {Recorded}")]
    public static partial void Reconciled(ILogger logger, string alertId, int steps, int recorded);
}
