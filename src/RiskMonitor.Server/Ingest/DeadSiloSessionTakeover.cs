using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RiskMonitor.Ingestion;
using RiskMonitor.Ingestion.Broker;

namespace RiskMonitor.Server.Ingest;

/// <summary>
/// Failover of broker sessions (docs/decisions/0029-failover-of-broker-sessions.md, retries in 0052). Every silo
/// follows Orleans membership; when a silo is declared dead, the live silo with the lowest address (the same choice on
/// every node, so one survivor acts) drains the dead silo's MQTT session through its own pipeline and ends it. A silo's
/// Orleans name is its MQTT client id (ClusterHosting sets it), which is how a dead member leads to its session.
/// </summary>
internal sealed class DeadSiloSessionTakeover(
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    OrphanedSessionDrain drain,
    IOptions<MqttIngestionOptions> options,
    TimeProvider time,
    ILogger<DeadSiloSessionTakeover> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    // Dead silos already handled by this node (a silo address includes its generation, so a returning pod is new).
    private readonly HashSet<SiloAddress> _handled = [];

    // Takeovers this node left to another silo; forgotten from _handled, in case this node is the one to act again.
    private readonly ConcurrentQueue<string> _handedOn = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One task per session, so a takeover that waits for the broker does not hold up the next dead silo's.
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                while (_handedOn.TryDequeue(out var handedOn))
                {
                    Forget(snapshot, handedOn, _handled);
                }

                foreach (var clientId in SessionsToTakeOver(snapshot, localSilo.SiloAddress, _handled))
                {
                    if (!running.TryGetValue(clientId, out var task) || task.IsCompleted)
                    {
                        running[clientId] = TakeOverAsync(clientId, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }

        await Task.WhenAll(running.Values).ConfigureAwait(false);
    }

    /// <summary>
    /// The client ids this silo should take over in <paramref name="snapshot"/>: none unless it is the lowest active
    /// silo; otherwise those of dead silos not handled yet, except names a silo that is not dead still uses (a pod that
    /// came back under the same name owns its session again) and this silo's own.
    /// </summary>
    internal static List<string> SessionsToTakeOver(ClusterMembershipSnapshot snapshot, SiloAddress self, HashSet<SiloAddress> handled)
    {
        if (!IsLowestActive(snapshot, self))
        {
            return [];
        }

        var inUse = NamesInUse(snapshot);
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

    /// <summary>
    /// Forgets the dead silos named <paramref name="clientId"/> this node left to another silo: should that one die
    /// before it is done, and this node be the lowest active silo again, the session is taken over after all.
    /// </summary>
    internal static void Forget(ClusterMembershipSnapshot snapshot, string clientId, HashSet<SiloAddress> handled) =>
        handled.RemoveWhere(address => snapshot.Members.TryGetValue(address, out var member) && member.Name == clientId);

    /// <summary>
    /// Whether a takeover of <paramref name="clientId"/> that failed should be tried again by this silo: it is still
    /// the lowest active silo (else the one that now is takes over), and no silo that is not dead uses that name (else
    /// the pod is back and owns its session; connecting with its id would throw it off the broker).
    /// </summary>
    internal static bool StillResponsible(ClusterMembershipSnapshot snapshot, SiloAddress self, string clientId) =>
        IsLowestActive(snapshot, self) && !NamesInUse(snapshot).Contains(clientId);

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1: one second, doubling up to a minute. A broker that is
    /// restarting is back within a few of these; one that is down for long is asked once a minute, not hammered.
    /// </summary>
    internal static TimeSpan RetryDelay(int attempt)
    {
        var doublings = Math.Clamp(attempt - 1, 0, 16);
        var delay = FirstRetryDelay * (1L << doublings);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    private static bool IsLowestActive(ClusterMembershipSnapshot snapshot, SiloAddress self)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        return active.Count > 0 && active.Min()!.Equals(self);
    }

    private static HashSet<string> NamesInUse(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status != SiloStatus.Dead).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    private async Task TakeOverAsync(string clientId, CancellationToken cancellationToken)
    {
        // Retried until it works while this silo is still the one to do it. Past the session expiry the broker has
        // dropped the session (and what it held), so there is nothing left to take over.
        var started = time.GetTimestamp();
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await drain.DrainAsync(clientId, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = RetryDelay(attempt);
                if (time.GetElapsedTime(started) + delay > options.Value.Broker.SessionExpiry)
                {
                    ClusterLog.TakeoverAbandoned(logger, ex, clientId, attempt, options.Value.Broker.SessionExpiry);
                    return;
                }

                ClusterLog.TakeoverFailed(logger, ex, clientId, attempt, delay);
                try
                {
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (!StillResponsible(membership.CurrentSnapshot, localSilo.SiloAddress, clientId))
            {
                ClusterLog.TakeoverHandedOn(logger, clientId);
                _handedOn.Enqueue(clientId);
                return;
            }
        }
    }
}

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 4501, Level = LogLevel.Warning, Message = "Taking over the broker session {ClientId} failed (attempt {Attempt}); trying again in {Delay}")]
    public static partial void TakeoverFailed(ILogger logger, Exception exception, string clientId, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4950, Level = LogLevel.Error,
        Message = "Taking over the broker session {ClientId} failed {Attempts} times; given up, as the broker drops the session after {SessionExpiry} and what it held with it")]
    public static partial void TakeoverAbandoned(ILogger logger, Exception exception, string clientId, int attempts, TimeSpan sessionExpiry);

    [LoggerMessage(EventId = 4951, Level = LogLevel.Information,
        Message = "Taking over the broker session {ClientId} is no longer this silo's: a lower silo is active or the silo of that name is back")]
    public static partial void TakeoverHandedOn(ILogger logger, string clientId);
}
