namespace RiskMonitor.Server.Escalation;

internal static partial class EscalationServerLog
{
    [LoggerMessage(EventId = 4211, Level = LogLevel.Warning, Message = "Delivering escalation step {Step} of alert {AlertId} through {Channel} failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string channel, string alertId, int step);

    [LoggerMessage(EventId = 4214, Level = LogLevel.Error, Message = "Reading the notification outbox failed; it is read again shortly")]
    public static partial void OutboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4215, Level = LogLevel.Error, Message = "Gave up delivering escalation step {Step} of alert {AlertId} after {Attempts} attempts: {Errors}")]
    public static partial void GaveUp(ILogger logger, string alertId, int step, int attempts, string errors);

    [LoggerMessage(EventId = 4212, Level = LogLevel.Debug, Message = "Escalation sweep: {Count} open alerts have their clock running")]
    public static partial void Swept(ILogger logger, int count);

    [LoggerMessage(EventId = 4213, Level = LogLevel.Error, Message = "Escalation sweep failed; it runs again at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
