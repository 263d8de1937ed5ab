using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace RiskMonitor.Storage.Postgres;

/// <summary>
/// Migrates the schema in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host runs before any hosted
/// service's StartAsync: the Orleans silo (whose storage and reminder tables these migrations create) and the
/// services that read alerts never see an old schema. PostgreSQL that is still starting is waited for, up to a limit.
/// </summary>
internal sealed class SchemaMigrationService(
    SchemaMigrator migrator, NpgsqlDataSource dataSource, IOptions<PostgresPoolOptions> pools, IConfiguration configuration, TimeProvider time,
    ILogger<SchemaMigrationService> logger)
    : IHostedLifecycleService
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + GiveUpAfter;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                await CheckConnectionBudgetAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (IsUnreachable(ex) && time.GetUtcNow() < deadline)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt));
                PostgresLog.NotReachable(logger, attempt, delay, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// This node's pools must fit in what the server allows, or a storm opens connections until PostgreSQL refuses
    /// everyone ("too many clients", issue 17). Refused when they cannot fit; a warning when they fit only without the
    /// connections other clients (another node, psql) hold now, or when the cluster's silos together could not
    /// (<see cref="ConnectionBudget"/>).
    /// </summary>
    private async Task CheckConnectionBudgetAsync(CancellationToken cancellationToken)
    {
        // The membership table is there once migrated (0001); its live rows are the other silos of this cluster.
        await using var command = dataSource.CreateCommand("""
            SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
                   (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend'),
                   (SELECT count(*)::int FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3)
            """);
        var clustered = string.Equals(configuration["Orleans:Membership"], "AdoNet", StringComparison.OrdinalIgnoreCase);
        command.Parameters.Add(new NpgsqlParameter { Value = configuration["Orleans:ClusterId"] ?? "riskmonitor" });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (max, reserved, inUse, liveSilos) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), clustered ? reader.GetInt32(3) : 0);
        var own = pools.Value.Total;
        var available = max - reserved;
        var verdict = ConnectionBudget.Assess(own, inUse - 1, liveSilos, available); // - 1: this check's own connection
        if (verdict == ConnectionBudgetVerdict.NodeTooLarge)
        {
            throw new InvalidOperationException(
                $"This node may open {own} PostgreSQL connections (Postgres:MaxPoolSize {pools.Value.MaxPoolSize} + Postgres:OrleansMaxPoolSize " +
                $"{pools.Value.OrleansMaxPoolSize} + Postgres:GrainStateMaxPoolSize {pools.Value.GrainStateMaxPoolSize}), but the server allows {available} (max_connections {max} - superuser_reserved_connections " +
                $"{reserved}). Lower the pool sizes or raise max_connections.");
        }

        if (verdict == ConnectionBudgetVerdict.ClusterTooLarge)
        {
            PostgresLog.ClusterPoolBudgetTooLarge(logger, liveSilos + 1, own, (liveSilos + 1) * own, available);
        }
        else if (verdict == ConnectionBudgetVerdict.TightNow)
        {
            PostgresLog.PoolBudgetTight(logger, own, inUse - 1, available);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Only "not there yet" is retried; a failing migration is a bug and stops the start at once.
    private static bool IsUnreachable(Exception ex) =>
        ex is NpgsqlException { InnerException: SocketException or IOException or TimeoutException } ||
        ex is PostgresException { SqlState: "57P03" }; // cannot_connect_now: the server is starting up
}
