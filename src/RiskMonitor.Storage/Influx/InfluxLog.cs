using Microsoft.Extensions.Logging;

namespace RiskMonitor.Storage.Influx;

internal static partial class InfluxLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "InfluxDB writer started: {Url} ({ApiVersion}), spool {SpoolDirectory}")]
    public static partial void Started(ILogger logger, Uri url, InfluxApiVersion apiVersion, string spoolDirectory);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Found {Files} spooled batches ({Points} readings, {Bytes} bytes) from an earlier run; replaying them oldest first")]
    public static partial void SpoolFoundAtStart(ILogger logger, int files, long points, long bytes);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "InfluxDB write failed ({Reason}); spooling batches to disk until it answers again")]
    public static partial void SpoolingStarted(ILogger logger, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Replay of spooled batch {Sequence} failed (attempt {Attempt}, {SpooledFiles} batches waiting, next try in {Delay}): {Reason}")]
    public static partial void ReplayFailed(
        ILogger logger, long sequence, int attempt, int spooledFiles, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Spool drained: InfluxDB is back and {Replayed} spooled readings have been written in total")]
    public static partial void SpoolDrained(ILogger logger, long replayed);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error,
        Message = "Spool full ({SpooledBytes} of {MaxSpoolBytes} bytes): readings are being DROPPED, {Dropped} so far. InfluxDB has been unreachable for too long; alerting keeps running")]
    public static partial void SpoolFull(ILogger logger, long spooledBytes, long maxSpoolBytes, long dropped);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information,
        Message = "Spool has room again; {Dropped} readings were dropped in total while it was full")]
    public static partial void SpoolHasRoom(ILogger logger, long dropped);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error,
        Message = "InfluxDB refused a batch of {Points} readings as invalid ({StatusCode}): {Reason}. Kept at {Path}")]
    public static partial void BatchRejected(ILogger logger, int points, int statusCode, string reason, string path);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error,
        Message = "InfluxDB refused a batch of {Points} readings as invalid ({StatusCode}): {Reason}. Not kept: the rejected folder is full")]
    public static partial void BatchRejectedNotKept(ILogger logger, int points, int statusCode, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error,
        Message = "Could not write a batch of {Points} readings to the spool; they are dropped")]
    public static partial void SpoolWriteFailed(ILogger logger, int points, Exception exception);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error,
        Message = "Spooled batch {Path} cannot be read; moved aside as rejected")]
    public static partial void SpoolFileUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "InfluxDB database {Database} is ready")]
    public static partial void DatabaseReady(ILogger logger, string database);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "Could not create InfluxDB database {Database} yet ({Reason}); retrying in {Delay}")]
    public static partial void CreateDatabaseFailed(ILogger logger, string database, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning,
        Message = "A reading arrived after the InfluxDB writer stopped and is dropped ({Dropped} so far)")]
    public static partial void WriteAfterStop(ILogger logger, long dropped);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Error, Message = "InfluxDB writer loop failed unexpectedly")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information,
        Message = "InfluxDB writer stopped: {Written} readings written, {SpooledPoints} waiting in the spool, {Dropped} dropped")]
    public static partial void Stopped(ILogger logger, long written, long spooledPoints, long dropped);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Debug,
        Message = "Reading of asset {AssetId} has no finite value; nothing to store")]
    public static partial void Skipped(ILogger logger, string assetId);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning,
        Message = "InfluxDB refused to create database {Database} ({Reason}); not asking again. Create it by hand, or set Influx:CreateDatabase to false")]
    public static partial void CreateDatabaseRefused(ILogger logger, string database, string reason);
}
