namespace RiskMonitor.Server.Messaging;

internal static partial class MessagingLog
{
    [LoggerMessage(EventId = 4650, Level = LogLevel.Warning, Message = "Sending {Key} for step {Step} of alert {AlertId} failed; the outbox retries it")]
    public static partial void SendFailed(ILogger logger, Exception exception, string key, string alertId, int step);

    [LoggerMessage(EventId = 4651, Level = LogLevel.Information, Message = "Held {Key} for step {Step} of alert {AlertId}: quiet hours, below red")]
    public static partial void HeldForQuietHours(ILogger logger, string alertId, int step, string key);

    [LoggerMessage(EventId = 4652, Level = LogLevel.Warning, Message = "Refused an SMS delivery receipt: {Reason}")]
    public static partial void ReceiptRefused(ILogger logger, string reason);
}
