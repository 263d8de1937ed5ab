using Microsoft.Extensions.Options;

namespace RiskMonitor.Server.Rules;

/// <summary>
/// Keeps this node on the newest rule version: reads the store once before the silo starts (so grains activate on the
/// stored rules, not the file's), then polls it every <see cref="RulesOptions.PollInterval"/> (docs/decisions/0043).
/// A store that does not answer never stops the node: it keeps the rules it has and tries again.
/// </summary>
internal sealed class RuleVersionFollower(RuleManager rules, IOptions<RulesOptions> options, ILogger<RuleVersionFollower> logger) : BackgroundService
{
    private bool _failing;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StartupReadTimeout);
        await TrySyncAsync(timeout.Token, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await TrySyncAsync(stoppingToken, stoppingToken);
        }
    }

    private async Task TrySyncAsync(CancellationToken cancellationToken, CancellationToken stopping)
    {
        try
        {
            var version = await rules.SyncAsync(cancellationToken);
            if (_failing)
            {
                _failing = false;
                RulesLog.SyncRecovered(logger, version);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // shutting down
        }
        catch (Exception ex)
        {
            // Once per outage, not once per poll.
            if (!_failing)
            {
                _failing = true;
                RulesLog.SyncFailed(logger, ex, rules.Catalog.Version);
            }
        }
    }
}
