using Microsoft.Extensions.Logging;

namespace RiskMonitor.Storage.Postgres;

internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Schema migration {Version:0000} {Name} applied in {ElapsedMs} ms")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, long elapsedMs);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "PostgreSQL schema is at version {Version} ({Applied} migrations applied now)")]
    public static partial void SchemaReady(ILogger logger, int version, int applied);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "PostgreSQL is not reachable yet (attempt {Attempt}, retrying in {Delay}): {Reason}")]
    public static partial void NotReachable(ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Schema migration {Version:0000} {Name} was changed after it was applied (checksum {Stored} now {Current}); add a new migration instead")]
    public static partial void ChecksumMismatch(ILogger logger, int version, string name, string stored, string current);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "This node may open {Own} PostgreSQL connections and other clients hold {Others}, more than the server's {Available}; with several nodes, keep nodes x pools within max_connections")]
    public static partial void PoolBudgetTight(ILogger logger, int own, int others, int available);

    [LoggerMessage(EventId = 3710, Level = LogLevel.Warning, Message = "With this node the cluster has {Silos} silos that may open {Own} PostgreSQL connections each, {Total} in all, more than the server's {Available}: under load PostgreSQL will refuse connections. Lower Postgres:MaxPoolSize and Postgres:OrleansMaxPoolSize (nodes x pools within max_connections) or raise max_connections")]
    public static partial void ClusterPoolBudgetTooLarge(ILogger logger, int silos, int own, int total, int available);
}
