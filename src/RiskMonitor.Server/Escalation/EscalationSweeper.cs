using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Storage.Alerts;

namespace RiskMonitor.Server.Escalation;

/// <summary>
/// Once the server is up, and then every <c>Escalation:SweepInterval</c>, makes sure every open alert that can escalate
/// has its escalation clock running. The asset grain starts the clock when an alert opens; this repairs the rare case
/// where that call was lost (a crash between the alert write and the call), so no open alert goes unescalated.
/// </summary>
internal sealed class EscalationSweeper(
    IAlertStore store, IGrainFactory grains, EscalationPolicy policy, IOptions<EscalationOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<EscalationSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStartedAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
            do
            {
                try
                {
                    var count = await SweepAsync(stoppingToken);
                    EscalationServerLog.Swept(logger, count);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    EscalationServerLog.SweepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var open = (await store.LoadNotClosedAsync(null, cancellationToken))
            .Where(a => policy.Runs(a.State, a.Severity))
            .ToList();
        // One call per shard, not per alert: after a restart with thousands of open alerts the sweep is 32 calls.
        foreach (var shard in open.GroupBy(a => EscalationClocks.ShardOf(a.AlertId)))
        {
            await grains.GetGrain<IEscalationShardGrain>(shard.Key).TrackAll([.. shard]);
        }

        return open.Count;
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }
}
