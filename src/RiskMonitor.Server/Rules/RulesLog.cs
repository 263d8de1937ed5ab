using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules;

internal static partial class RulesLog
{
    [LoggerMessage(EventId = 4820, Level = LogLevel.Information, Message = "Rule store was empty: the rule file is stored as version 1")]
    public static partial void Seeded(ILogger logger);

    [LoggerMessage(EventId = 4821, Level = LogLevel.Warning,
        Message = "Rules version {Version} ({Action}) by {Author}: {AffectedAssets} asset(s) change ({Summary}); reason: {Reason}")]
    public static partial void Changed(ILogger logger, long version, RuleChangeAction action, string author, int affectedAssets, string summary, string reason);

    [LoggerMessage(EventId = 4822, Level = LogLevel.Information, Message = "Rules version {Version} in force on this node (was {From})")]
    public static partial void Applied(ILogger logger, long version, long from);

    [LoggerMessage(EventId = 4823, Level = LogLevel.Error,
        Message = "Stored rules version {Version} cannot be parsed by this node, which keeps version {Kept}: {Error}")]
    public static partial void StoredVersionRefused(ILogger logger, long version, long kept, string error);

    [LoggerMessage(EventId = 4824, Level = LogLevel.Warning,
        Message = "Reading the rule store failed; this node keeps rules version {Kept} and tries again")]
    public static partial void SyncFailed(ILogger logger, Exception exception, long kept);

    [LoggerMessage(EventId = 4825, Level = LogLevel.Information, Message = "Rule store readable again; rules version {Version} in force")]
    public static partial void SyncRecovered(ILogger logger, long version);

    [LoggerMessage(EventId = 4829, Level = LogLevel.Warning,
        Message = "The rule file differs from stored rules version {Version}, which is in force: the file only seeds an empty store; send an edited file with PUT /api/rules")]
    public static partial void FileIsNotInForce(ILogger logger, long version);
}

internal static partial class BacktestLog
{
    [LoggerMessage(EventId = 4826, Level = LogLevel.Information, Message = "Backtest {JobId} by {Author}: {Assets} asset(s) from {From} to {To}")]
    public static partial void Started(ILogger logger, string jobId, string author, int assets, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(EventId = 4827, Level = LogLevel.Information, Message = "Backtest {JobId} {Status} after {Samples} reading(s)")]
    public static partial void Finished(ILogger logger, string jobId, BacktestStatus status, long samples);

    [LoggerMessage(EventId = 4828, Level = LogLevel.Warning, Message = "Backtest {JobId} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 4971, Level = LogLevel.Information,
        Message = "Backtest {JobId} took {WallSeconds:0.###} s: InfluxDB {QuerySeconds} s in {Queries} queries, parsing {ParseSeconds} s, replay {ReplaySeconds} s, ledger {LedgerSeconds} s")]
    public static partial void Timed(
        ILogger logger, string jobId, double wallSeconds, double querySeconds, double parseSeconds, double replaySeconds, double ledgerSeconds, long queries);

    [LoggerMessage(EventId = 4973, Level = LogLevel.Information, Message = "Backtest {JobId} replays in worker process {ProcessId}, scheduled {Scheduling}")]
    public static partial void WorkerStarted(ILogger logger, string jobId, int processId, string scheduling);

    [LoggerMessage(EventId = 4974, Level = LogLevel.Warning, Message = "Backtest {JobId} worker: {Line}")]
    public static partial void WorkerSaid(ILogger logger, string jobId, string line);

    [LoggerMessage(EventId = 4976, Level = LogLevel.Warning,
        Message = "Backtest {JobId} is followed at the live path's real-time priority: its thread could not move to the normal class ({Error})")]
    public static partial void FollowerNotMoved(ILogger logger, string jobId, string error);
}
