using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>
/// Once the server is up, and then every <c>Responsibility:RoutingSweepInterval</c>, routes the alerts not closed whose
/// parties were never told of their present severity (<see cref="RoutingSweep"/>, decision 0048): the routing call the
/// asset grain makes without waiting is lost when its silo dies in between or the registry cannot be read (PostgreSQL
/// down); the escalation sweep repairs the escalation clocks the same way. Every node sweeps; the party case grain is one
/// per alert in the cluster and routes an alert once per severity, so two nodes sweeping tell nobody twice.
/// </summary>
internal sealed partial class PartyRoutingSweeper(
    IAlertStore alerts, IPartyCaseStore cases, IResponsibilityStore registry, IGrainFactory grains, RoutingPolicy policy, IOptions<ResponsibilityOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<PartyRoutingSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            await started.Task.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.RoutingSweepInterval, time);
            do
            {
                try
                {
                    var routed = await SweepAsync(stoppingToken);
                    if (routed > 0)
                    {
                        Routed(logger, routed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Failed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Asks the party case of every unrouted alert to route it; returns how many were asked.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var notClosed = await alerts.LoadNotClosedAsync(null, cancellationToken);
        if (notClosed.Count == 0)
        {
            return 0;
        }

        // Only alerts of assets someone answers for: the policy routes nobody else, so asking their cases would cost a
        // grain and a registry read per alert per sweep, for ever (10,000 of them after a storm over assets with no parties).
        var answered = await registry.WithPartiesAsync([.. notClosed.Select(a => a.AssetId).Distinct(StringComparer.Ordinal)], cancellationToken);
        var open = notClosed.Where(a => answered.Contains(a.AssetId)).ToList();
        if (open.Count == 0)
        {
            return 0;
        }

        var told = await cases.ToldSeveritiesAsync([.. open.Select(a => a.AlertId)], cancellationToken);
        var swept = open.Select(a => new SweptAlert(a.AlertId, a.Severity, a.State, a.Drill is not null, a.UpdatedAt));
        var unrouted = RoutingSweep.Unrouted(swept, told, policy.Windows, time.GetUtcNow(), options.Value.RoutingSweepGrace).ToHashSet(StringComparer.Ordinal);
        foreach (var alert in open.Where(a => unrouted.Contains(a.AlertId)))
        {
            // One at a time: after an outage there may be many, and each reads the registry; the sweep is not in a hurry.
            await grains.GetGrain<IPartyCaseGrain>(alert.AlertId).Open(alert);
        }

        return unrouted.Count;
    }

    [LoggerMessage(EventId = 4930, Level = LogLevel.Warning, Message = "Routing sweep: asked the parties' cases of {Count} alerts not routed at their present severity to route them")]
    private static partial void Routed(ILogger logger, int count);

    [LoggerMessage(EventId = 4931, Level = LogLevel.Warning, Message = "Routing sweep failed; trying again at the next interval")]
    private static partial void Failed(ILogger logger, Exception exception);
}
