using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Server.Drills;

internal static partial class DrillLog
{
    [LoggerMessage(EventId = 4800, Level = LogLevel.Information, Message = "Drill {DrillId} ({Mode}) {Action} by {Actor}")]
    public static partial void Stepped(ILogger logger, string drillId, DrillMode mode, string action, string actor);

    [LoggerMessage(EventId = 4801, Level = LogLevel.Information, Message = "Drill {DrillId}: {Count} inject(s) sent through ingestion by {Actor}")]
    public static partial void Injected(ILogger logger, string drillId, int count, string actor);

    [LoggerMessage(EventId = 4802, Level = LogLevel.Information, Message = "Drill {DrillId} ended: {Closed} drill alert(s) closed")]
    public static partial void Ended(ILogger logger, string drillId, int closed);

    [LoggerMessage(EventId = 4803, Level = LogLevel.Warning, Message = "Drill {DrillId}: closing the drill alerts on {Key} failed; they close when the drill key is next activated")]
    public static partial void EndFailed(ILogger logger, Exception exception, string drillId, string key);

    [LoggerMessage(EventId = 4804, Level = LogLevel.Warning, Message = "The drill scheduler could not look at the scheduled drills; it tries again")]
    public static partial void SchedulerFailed(ILogger logger, Exception exception);
}
