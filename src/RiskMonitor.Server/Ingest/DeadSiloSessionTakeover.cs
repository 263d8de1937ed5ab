using Microsoft.Extensions.Options;
using RiskMonitor.Ingestion;
using RiskMonitor.Ingestion.Broker;

namespace RiskMonitor.Server.Ingest;

/// <summary>
/// Failover of broker sessions (docs/decisions/0029-failover-of-broker-sessions.md). Every silo follows Orleans
/// membership; when a silo is declared dead, the live silo with the lowest address (the same choice on every node, so
/// one survivor acts) drains the dead silo's MQTT session through its own pipeline and ends it. A silo's Orleans name
/// is its MQTT client id (ClusterHosting sets it), which is how a dead member leads to its session.
/// </summary>
internal sealed class DeadSiloSessionTakeover(
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    OrphanedSessionDrain drain,
    IOptions<MqttIngestionOptions> options,
    ILogger<DeadSiloSessionTakeover> logger) : BackgroundService
{
    // Dead silos already handled by this node (a silo address includes its generation, so a returning pod is new).
    private readonly HashSet<SiloAddress> _handled = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                foreach (var clientId in SessionsToTakeOver(snapshot, localSilo.SiloAddress, _handled))
                {
                    await TakeOverAsync(clientId, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>
    /// The client ids this silo should take over in <paramref name="snapshot"/>: none unless it is the lowest active
    /// silo; otherwise those of dead silos not handled yet, except names a silo that is not dead still uses (a pod that
    /// came back under the same name owns its session again) and this silo's own.
    /// </summary>
    internal static List<string> SessionsToTakeOver(ClusterMembershipSnapshot snapshot, SiloAddress self, HashSet<SiloAddress> handled)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        if (active.Count == 0 || !active.Min()!.Equals(self))
        {
            return [];
        }

        var inUse = snapshot.Members.Values.Where(m => m.Status != SiloStatus.Dead).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var clientIds = new List<string>();
        foreach (var dead in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).OrderBy(m => m.SiloAddress))
        {
            if (!handled.Add(dead.SiloAddress) || string.IsNullOrEmpty(dead.Name) || inUse.Contains(dead.Name) || clientIds.Contains(dead.Name))
            {
                continue;
            }

            clientIds.Add(dead.Name);
        }

        return clientIds;
    }

    private async Task TakeOverAsync(string clientId, CancellationToken cancellationToken)
    {
        // A failed attempt (broker unreachable) is retried a few times; the session keeps its expiry meanwhile.
        for (var attempt = 1; attempt <= 5 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await drain.DrainAsync(clientId, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ClusterLog.TakeoverFailed(logger, ex, clientId, attempt);
                await Task.Delay(options.Value.Broker.TakeoverQuietPeriod * attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 4501, Level = LogLevel.Warning, Message = "Taking over the broker session {ClientId} failed (attempt {Attempt})")]
    public static partial void TakeoverFailed(ILogger logger, Exception exception, string clientId, int attempt);
}
