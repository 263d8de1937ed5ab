using Microsoft.Extensions.Logging;

namespace RiskMonitor.Simulator.Drills;

/// <summary>Drill mode's log messages; event ids 5900-5919.</summary>
internal static partial class DrillLog
{
    [LoggerMessage(EventId = 5900, Level = LogLevel.Information, Message = "Drill {DrillId} recorded on {Api}: {Title}; its scenarios go on the drill channel, the real readings stay as measured")]
    public static partial void Started(ILogger logger, string drillId, string title, Uri api);

    [LoggerMessage(EventId = 5901, Level = LogLevel.Error, Message = "The server at {Api} did not record the drill ({Status}: {Detail}); nothing of it was sent. A drill needs a supervisor's city-wide token (--token or RM_TOKEN)")]
    public static partial void Refused(ILogger logger, Uri api, int status, string detail);

    [LoggerMessage(EventId = 5902, Level = LogLevel.Information, Message = "Drill {DrillId} ended: {Closed} drill alert(s) still open were closed by the server")]
    public static partial void Ended(ILogger logger, string drillId, int closed);

    [LoggerMessage(EventId = 5903, Level = LogLevel.Warning, Message = "Ending drill {DrillId} was refused ({Status}: {Detail}); end it on the server (POST /api/drills/{DrillId}/end)")]
    public static partial void EndRefused(ILogger logger, string drillId, int status, string detail);

    [LoggerMessage(EventId = 5904, Level = LogLevel.Warning, Message = "Ending drill {DrillId} or fetching its report failed; end it on the server and read GET /api/drills/{DrillId}/report")]
    public static partial void EndFailed(ILogger logger, Exception exception, string drillId);

    [LoggerMessage(EventId = 5905, Level = LogLevel.Information, Message = "Drill {DrillId} report: {Line}")]
    public static partial void ReportLine(ILogger logger, string drillId, string line);

    [LoggerMessage(EventId = 5906, Level = LogLevel.Information, Message = "Drill {DrillId} report written to {Path}")]
    public static partial void ReportWritten(ILogger logger, string drillId, string path);
}
