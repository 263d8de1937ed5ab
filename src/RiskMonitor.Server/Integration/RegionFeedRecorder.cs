using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain;
using RiskMonitor.Server.Platform.Live;
using RiskMonitor.Server.Regions;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Appends <c>region.changed</c> to the feed when a region's dynamic or inherent colour changes. A region's colour is
/// grain state, not a PostgreSQL row, so there is no transaction to share: the event is appended directly, after the
/// fact, and coalesced (the newest summary per region, at most once per <see cref="IntegrationOptions.RegionCoalescing"/>),
/// so an alert storm that flips a colour back and forth costs a few events, and the feed always ends on the colour the
/// map shows. Counts alone (same colours) are not events: the map has them, the city platform wants the colour.
/// </summary>
internal sealed class RegionFeedRecorder(
    IFeedAppender feed, IOptions<IntegrationOptions> options, IOptions<JsonOptions> json, TimeProvider time, ILogger<RegionFeedRecorder> logger)
    : BackgroundService, IRegionEventSink
{
    private readonly ConcurrentDictionary<string, RegionSummary> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RiskColour? Colour, RiskColour? Inherent)> _recorded = new(StringComparer.Ordinal);

    public void RegionChanged(RegionSummary region)
    {
        ArgumentNullException.ThrowIfNull(region);
        _pending.AddOrUpdate(region.RegionId, region, (_, old) => region.Version >= old.Version || region.UpdatedAt >= old.UpdatedAt ? region : old);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RegionCoalescing, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync(CancellationToken.None); // what is pending at shutdown still reaches the feed
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var regionId in _pending.Keys)
        {
            if (!_pending.TryRemove(regionId, out var region))
            {
                continue;
            }

            var colours = (region.Colour, region.InherentColour);
            var known = _recorded.TryGetValue(regionId, out var previous);
            if (known && previous == colours)
            {
                continue;
            }

            try
            {
                var payload = JsonSerializer.SerializeToElement(
                    new RegionFeedPayload(RegionJson.From(region), known ? previous.Colour : null, known ? previous.Inherent : null), json.Value.SerializerOptions);
                await feed.AppendAsync(FeedEventTypes.RegionChanged, FeedEventTypes.RegionSchemaVersion, region.UpdatedAt, null, regionId, payload, cancellationToken);
                _recorded[regionId] = colours;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Put it back unless a newer one came meanwhile; the next tick tries again.
                _pending.TryAdd(regionId, region);
                IntegrationLog.RegionAppendFailed(logger, regionId, e);
            }
        }
    }
}

/// <summary>The payload of <c>region.changed</c>, schema version 1: the region as <c>GET /api/regions/{id}</c> shows it, and its colours before.</summary>
internal sealed record RegionFeedPayload(RegionJson Region, RiskColour? PreviousColour, RiskColour? PreviousInherentColour);

/// <summary>Hands each region summary to the SignalR fan-out and to the feed recorder.</summary>
internal sealed class RegionSinks(RegionEventFanOut fanOut, RegionFeedRecorder feed) : IRegionEventSink
{
    public void RegionChanged(RegionSummary region)
    {
        fanOut.RegionChanged(region);
        feed.RegionChanged(region);
    }
}
