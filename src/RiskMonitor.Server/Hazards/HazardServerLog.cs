namespace RiskMonitor.Server.Hazards;

internal static partial class HazardServerLog
{
    [LoggerMessage(EventId = 4750, Level = LogLevel.Information, Message = "Tip {Reference} received: hazard {HazardId}, sorted to {Department}, placed by {Placement}")]
    public static partial void TipReceived(ILogger logger, string reference, string hazardId, string department, string placement);

    [LoggerMessage(EventId = 4751, Level = LogLevel.Information, Message = "Evidence {EvidenceId} ({Kind}, {SizeBytes} bytes) attached to {RecordKind} {RecordId} by {Actor}")]
    public static partial void EvidenceAttached(ILogger logger, string evidenceId, string kind, int sizeBytes, string recordKind, string recordId, string actor);

    [LoggerMessage(EventId = 4752, Level = LogLevel.Information, Message = "Evidence for {RecordKind} {RecordId} refused: {Reason}")]
    public static partial void EvidenceRefused(ILogger logger, string recordKind, string recordId, string reason);

    [LoggerMessage(EventId = 4753, Level = LogLevel.Error, Message = "The hazard watch could not be started; trying again in {RetryAfter}")]
    public static partial void WatchStartFailed(ILogger logger, Exception exception, TimeSpan retryAfter);

    [LoggerMessage(EventId = 4754, Level = LogLevel.Warning, Message = "Overdue push {Step} of hazard {HazardId} could not be sent to the hub")]
    public static partial void PushFailed(ILogger logger, Exception exception, string hazardId, int step);
}
