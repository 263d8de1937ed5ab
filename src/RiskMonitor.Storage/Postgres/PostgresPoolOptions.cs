using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace RiskMonitor.Storage.Postgres;

/// <summary>
/// How many PostgreSQL connections one node may hold (section <c>Postgres</c>): the stores' pool and the Orleans
/// ADO.NET pool (grain state, reminders, membership share one). Checked at start against the server's
/// <c>max_connections</c> (decision 0028): a node that could exhaust the server is refused with a clear message.
/// </summary>
public sealed class PostgresPoolOptions
{
    public const string SectionName = "Postgres";

    /// <summary>
    /// The stores' pool: the alert journal's writer needs one connection whatever the load, the rest serve the API,
    /// the feed and the outbox. A connection string that names its own pool size wins.
    /// </summary>
    [Range(2, 1000)] public int MaxPoolSize { get; set; } = 16;

    /// <summary>
    /// The Orleans ADO.NET pool: reminders, cluster membership, and reads of grain state stored before decision 0045.
    /// Was 24 while it also wrote every grain's state; the group-commit grain state store took 8 of those.
    /// </summary>
    [Range(2, 1000)] public int OrleansMaxPoolSize { get; set; } = 16;

    /// <summary>
    /// The grain state store's pool (decision 0045): one connection writes every batch; the rest serve the reads of
    /// activating grains, so a cold start of thousands of assets cannot take the stores' connections.
    /// </summary>
    [Range(2, 1000)] public int GrainStateMaxPoolSize { get; set; } = 8;

    /// <summary>
    /// Statements Npgsql prepares on each connection once seen <see cref="AutoPrepareMinUsages"/> times (the stores' and
    /// grain state pools; 0 = off). The alert journal's per-change statement (an upsert and a ledger insert in one CTE)
    /// was parsed and planned afresh on every call: 11,985 calls and 3.9 s of PostgreSQL time in the 10,000-alert storm
    /// (decision 0045). Prepared statements survive the pool's reset (Npgsql then resets without <c>DISCARD ALL</c>).
    /// </summary>
    [Range(0, 1000)] public int MaxAutoPrepare { get; set; } = 64;

    [Range(1, 1000)] public int AutoPrepareMinUsages { get; set; } = 2;

    /// <summary>Every connection this node may hold.</summary>
    public int Total => MaxPoolSize + OrleansMaxPoolSize + GrainStateMaxPoolSize;

    public static PostgresPoolOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<PostgresPoolOptions>() ?? new PostgresPoolOptions();

    /// <summary>The connection string with <paramref name="poolSize"/> as its pool size, unless it names one itself.</summary>
    public static string WithPoolSize(string connectionString, int poolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = poolSize;
        }

        return builder.ConnectionString;
    }

    /// <summary>The stores' connection string: their pool size and prepared statements.</summary>
    public static string ForStores(IConfiguration configuration, string connectionString)
    {
        var options = From(configuration);
        return Prepared(WithPoolSize(connectionString, options.MaxPoolSize), options);
    }

    /// <summary>The connection string the Orleans ADO.NET providers use: its own pool, sized by <see cref="OrleansMaxPoolSize"/>.</summary>
    public static string ForOrleans(IConfiguration configuration, string connectionString) =>
        WithoutReset(WithPoolSize(connectionString, From(configuration).OrleansMaxPoolSize));

    /// <summary>The connection string of the grain state store: its own pool, sized by <see cref="GrainStateMaxPoolSize"/>.</summary>
    public static string ForGrainState(IConfiguration configuration, string connectionString)
    {
        var options = From(configuration);
        return Prepared(WithoutReset(WithPoolSize(connectionString, options.GrainStateMaxPoolSize)), options);
    }

    /// <summary>Auto-prepare as configured, unless the connection string says otherwise itself.</summary>
    private static string Prepared(string connectionString, PostgresPoolOptions options)
    {
        if (connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = options.MaxAutoPrepare,
            AutoPrepareMinUsages = options.AutoPrepareMinUsages,
        }.ConnectionString;
    }

    /// <summary>
    /// No <c>DISCARD ALL</c> each time a connection goes back to the pool: the storm profile (decision 0045) counted
    /// 55,000 of them. Only for pools whose users keep no session state (no session locks, <c>SET</c>, <c>LISTEN</c>):
    /// the Orleans providers and the grain state store; the stores' pool keeps the reset.
    /// </summary>
    private static string WithoutReset(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
}
