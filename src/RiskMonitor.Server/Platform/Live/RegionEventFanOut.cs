using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Server.Regions;

namespace RiskMonitor.Server.Platform.Live;

/// <summary>
/// Takes region summaries from region grains without blocking them and pushes <c>regionChanged</c> to the clients
/// that joined that region's group (<c>JoinRegion(id)</c>), and to those that joined <see cref="AllRegions"/>
/// (<c>JoinRegion("*")</c>: a wall display showing every grid). Coalesced per region (the newest wins) and sent at most
/// <see cref="RegionCoalescing"/>-often, so an alert storm costs each region a few messages per second at most. With the
/// Redis backplane every node's clients get every region grain's changes; the map endpoints read the
/// <see cref="RegionReadModel"/> instead, which rolls up from the cluster-wide alerts (docs/decisions/0031).
/// </summary>
internal sealed class RegionEventFanOut(IHubContext<RiskHub> hub, TimeProvider time, ILogger<RegionEventFanOut> logger)
    : BackgroundService, IRegionEventSink
{
    public static readonly TimeSpan RegionCoalescing = TimeSpan.FromMilliseconds(250);

    /// <summary>The pseudo region id whose group receives every region's changes.</summary>
    public const string AllRegions = "*";

    private readonly ConcurrentDictionary<string, RegionSummary> _pending = new(StringComparer.Ordinal);

    public void RegionChanged(RegionSummary region)
    {
        ArgumentNullException.ThrowIfNull(region);
        _pending[region.RegionId] = region;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RegionCoalescing, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var regionId in _pending.Keys)
                {
                    if (!_pending.TryRemove(regionId, out var region))
                    {
                        continue;
                    }

                    try
                    {
                        var payload = RegionJson.From(region);
                        await hub.Clients.Group(RiskHub.RegionGroup(regionId)).SendAsync(RiskHubMethods.RegionChanged, payload, stoppingToken);
                        await hub.Clients.Group(RiskHub.RegionGroup(AllRegions)).SendAsync(RiskHubMethods.RegionChanged, payload, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        ServerLog.FanOutFailed(logger, ex, RiskHubMethods.RegionChanged);
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
