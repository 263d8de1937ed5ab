using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Storage.Drills;

namespace RiskMonitor.Server.Drills;

/// <summary>
/// Starts scheduled drills when their time comes, on any node: the start is an optimistic write, so with several nodes
/// only the one whose write lands sends the scenario.
/// </summary>
internal sealed class DrillScheduler(IDrillStore drills, DrillRunner runner, IOptions<DrillOptions> options, TimeProvider time, ILogger<DrillScheduler> logger)
    : BackgroundService
{
    public const string Actor = "scheduler";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        try
        {
            do
            {
                try
                {
                    var now = time.GetUtcNow();
                    foreach (var drill in (await drills.ListAsync(activeOnly: true, 1000, stoppingToken)).Where(d => DrillWorkflow.DueToStart(d, now)))
                    {
                        await runner.StartAsync(drill.DrillId, Actor, stoppingToken);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    DrillLog.SchedulerFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
