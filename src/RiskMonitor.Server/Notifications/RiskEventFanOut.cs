using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Hubs;
using RiskMonitor.Server.Silences;

namespace RiskMonitor.Server.Notifications;

/// <summary>
/// Takes alert and asset changes from grains without blocking them and pushes them to SignalR clients from a
/// background loop. Alert changes are sent one by one, in order, none dropped. Asset changes are coalesced per asset
/// (the newest wins) and sent a few times a second, so an alert storm cannot flood a wall display.
/// </summary>
public sealed class RiskEventFanOut(
    IHubContext<RiskHub> hub, AlertBoard board, TimeProvider time, ILogger<RiskEventFanOut> logger, SilenceBoard? silences = null)
    : BackgroundService, IRiskEventSink
{
    private static readonly TimeSpan AssetCoalescing = TimeSpan.FromMilliseconds(250);

    // Unbounded on purpose: alert changes are few next to readings, and every one of them must reach the clients.
    private readonly Channel<(AlertChangeKind Kind, AlertView Alert)> _alerts =
        Channel.CreateUnbounded<(AlertChangeKind, AlertView)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, AssetView> _pendingAssets = new(StringComparer.Ordinal);

    public void AlertChanged(AlertChangeKind kind, AlertView alert)
    {
        board.Apply(alert);
        _alerts.Writer.TryWrite((kind, alert));
    }

    public void AssetChanged(AssetView asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        board.Apply(asset);
        _pendingAssets[asset.AssetId] = asset;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendAlertsAsync(stoppingToken), SendAssetsAsync(stoppingToken));

    private async Task SendAlertsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (kind, alert) in _alerts.Reader.ReadAllAsync(stoppingToken))
            {
                var method = kind switch
                {
                    AlertChangeKind.Raised => RiskHubMethods.AlertRaised,
                    AlertChangeKind.Cleared => RiskHubMethods.AlertCleared,
                    _ => RiskHubMethods.AlertUpdated,
                };
                try
                {
                    // Whether a silence covers it is decided as it goes out, from the silences in force now.
                    await hub.Clients.All.SendAsync(method, silences?.Decorate(alert) ?? alert, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ServerLog.FanOutFailed(logger, ex, method);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task SendAssetsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(AssetCoalescing, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var assetId in _pendingAssets.Keys)
                {
                    if (_pendingAssets.TryRemove(assetId, out var asset))
                    {
                        try
                        {
                            await hub.Clients.All.SendAsync(RiskHubMethods.AssetChanged, asset, stoppingToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            ServerLog.FanOutFailed(logger, ex, RiskHubMethods.AssetChanged);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
