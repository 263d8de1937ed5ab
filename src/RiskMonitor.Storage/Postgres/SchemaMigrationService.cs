using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace RiskMonitor.Storage.Postgres;

/// <summary>
/// Migrates the schema in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host runs before any hosted
/// service's StartAsync: the Orleans silo (whose storage and reminder tables these migrations create) and the
/// services that read alerts never see an old schema. PostgreSQL that is still starting is waited for, up to a limit.
/// </summary>
internal sealed class SchemaMigrationService(SchemaMigrator migrator, TimeProvider time, ILogger<SchemaMigrationService> logger)
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

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Only "not there yet" is retried; a failing migration is a bug and stops the start at once.
    private static bool IsUnreachable(Exception ex) =>
        ex is NpgsqlException { InnerException: SocketException or IOException or TimeoutException } ||
        ex is PostgresException { SqlState: "57P03" }; // cannot_connect_now: the server is starting up
}
