using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Observability;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Silences;

namespace RiskMonitor.Server.Platform.Live;

/// <summary>
/// Takes alert and asset changes from grains without blocking them and pushes them to SignalR clients from a
/// background loop. Alert changes are sent one by one, in order, none dropped. Asset changes are coalesced per asset
/// (the newest wins) and sent a few times a second, so an alert storm cannot flood a wall display.
/// </summary>
internal sealed class RiskEventFanOut(
    IHubContext<RiskHub> hub, AlertReadModel board, ServerMetrics metrics, TimeProvider time, ILogger<RiskEventFanOut> logger, AccessControl access,
    SilenceReadModel silences)
    : BackgroundService, IRiskEventSink
{
    private static readonly TimeSpan AssetCoalescing = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan ShutdownFlushTime = TimeSpan.FromSeconds(5);

    // Unbounded on purpose: alert changes are few next to readings, and every one of them must reach the clients.
    // Each change carries the grain call's trace context, so the SignalR send is a child span of it.
    private readonly Channel<(AlertChangeKind Kind, AlertView Alert, ActivityContext Trace)> _alerts =
        Channel.CreateUnbounded<(AlertChangeKind, AlertView, ActivityContext)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, AssetView> _pendingAssets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VehicleFix> _pendingFixes = new(StringComparer.Ordinal);

    // The scope groups that may see an asset: city-wide connections and those scoped to any region above its grids.
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _scopeGroups = new(StringComparer.Ordinal);

    private IReadOnlyList<string> ScopeGroupsOf(string assetId) => _scopeGroups.GetOrAdd(assetId, id =>
        [RiskHub.CityScopeGroup, .. access.RegionsAbove(id).Select(RiskHub.ScopeGroup)]);

    public void AlertChanged(AlertChangeKind kind, AlertView alert)
    {
        board.Apply(alert);
        metrics.AlertChanged(kind, alert);
        _alerts.Writer.TryWrite((kind, alert, Activity.Current?.Context ?? default));
    }

    public void AssetChanged(AssetView asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        _pendingAssets[asset.AssetId] = asset;
    }

    public void VehicleMoved(VehicleFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        _pendingFixes[fix.VehicleId] = fix;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendAlertsAsync(stoppingToken), SendAssetsAsync(stoppingToken));

    private async Task SendAlertsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _alerts.Reader.ReadAllAsync(stoppingToken))
            {
                await SendAlertAsync(change, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down, after the silo (registered before it): what its grains raised last still goes out, through
            // the backplane to the other nodes' clients, within a few seconds.
            using var flush = new CancellationTokenSource(ShutdownFlushTime, time);
            try
            {
                while (_alerts.Reader.TryRead(out var change))
                {
                    await SendAlertAsync(change, flush.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // out of time: the clients resync from the alert list when they reconnect
            }
        }
    }

    private async Task SendAlertAsync((AlertChangeKind Kind, AlertView Alert, ActivityContext Trace) change, CancellationToken cancellationToken)
    {
        var (kind, alert, trace) = change;
        var method = kind switch
        {
            AlertChangeKind.Raised => RiskHubMethods.AlertRaised,
            AlertChangeKind.Cleared => RiskHubMethods.AlertCleared,
            _ => RiskHubMethods.AlertUpdated,
        };
        using var activity = trace == default ? null
            : ServerMetrics.ActivitySource.StartActivity("signalr " + method, ActivityKind.Producer, trace);
        try
        {
            // Whether a silence covers it is decided as it goes out, from the silences in force now.
            await hub.Clients.Groups(ScopeGroupsOf(alert.AssetId)).SendAsync(method, silences.Decorate(alert), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ServerLog.FanOutFailed(logger, ex, method);
        }
    }

    private async Task SendAssetsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(AssetCoalescing, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SendNewestAsync(_pendingAssets, RiskHubMethods.AssetChanged, stoppingToken);
                await SendNewestAsync(_pendingFixes, RiskHubMethods.VehicleMoved, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Sends what is pending per asset (the newest of each) to the groups that may see the asset.</summary>
    private async Task SendNewestAsync<T>(ConcurrentDictionary<string, T> pending, string method, CancellationToken stoppingToken)
    {
        foreach (var assetId in pending.Keys)
        {
            if (pending.TryRemove(assetId, out var item))
            {
                try
                {
                    await hub.Clients.Groups(ScopeGroupsOf(assetId)).SendAsync(method, item, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ServerLog.FanOutFailed(logger, ex, method);
                }
            }
        }
    }
}
