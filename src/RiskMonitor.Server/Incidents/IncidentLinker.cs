using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// Makes the incident grouping of issue 6 durable (docs/decisions/0017-noise-control.md): every
/// <see cref="IncidentLinkOptions.Interval"/> it groups the current alerts (<see cref="IncidentGrouper"/>: assets within
/// <c>DistanceMetres</c>, raised within <c>Window</c>) and links each alert of a group of two or more that has no
/// incident yet to the group's id (its first alert's id), through the alert's own grain: the alert JSON then carries
/// <c>incidentId</c> and the ledger an <c>incident_linked</c> line. A link is never rewritten.
/// </summary>
internal sealed class IncidentLinker(
    AlertReadModel board, IAssetRegistry registry, IGrainFactory grains, IOptions<IncidentLinkOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<IncidentLinker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            await started.Task.WaitAsync(stoppingToken);
            if (!options.Value.Link)
            {
                return;
            }

            using var timer = new PeriodicTimer(options.Value.Interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await LinkAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    IncidentLog.LinkFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>One pass; returns the number of alerts linked.</summary>
    public async Task<int> LinkAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var current = board.Alerts.Where(a => a.State != AlertState.Closed).ToDictionary(a => a.AlertId, StringComparer.Ordinal);
        var candidates = current.Values
            .Select(a => registry.TryGet(a.AssetId, out var asset) ? new IncidentAlert(a.AlertId, a.AssetId, asset.Geometry, a.RaisedAt, a.Severity) : null)
            .OfType<IncidentAlert>()
            .ToList();
        var linked = 0;
        foreach (var incident in IncidentGrouper.Group(candidates, settings.DistanceMetres, settings.Window))
        {
            if (incident.Alerts.Length < 2 || incident.Alerts.All(a => current[a.AlertId].IncidentId is not null))
            {
                continue;
            }

            // An alert already in an incident keeps it; the group takes the id its earliest linked member has, so a
            // late joiner lands in the incident that already exists rather than starting a second one.
            var incidentId = incident.Alerts.Select(a => current[a.AlertId].IncidentId).FirstOrDefault(id => id is not null) ?? incident.IncidentId;
            foreach (var member in incident.Alerts.Where(a => current[a.AlertId].IncidentId is null))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = await grains.GetGrain<IAssetGrain>(member.AssetId).HandleAlert(
                    new AlertAction(member.AlertId, AlertActionKind.LinkIncident, AlertLedgerActions.SystemActor,
                        $"{incident.Alerts.Length} alerts within {settings.DistanceMetres:0} m and {settings.Window.TotalMinutes:0} min")
                    {
                        IncidentId = incidentId,
                    });
                if (result.Status == AlertActionStatus.Done)
                {
                    linked++;
                    IncidentLog.Linked(logger, member.AlertId, incidentId);
                }
            }
        }

        return linked;
    }
}

/// <summary>Configuration section <c>Incidents</c>: how alerts are grouped into incidents and how often links are made.</summary>
internal sealed class IncidentLinkOptions
{
    public const string SectionName = "Incidents";

    /// <summary>Off: alerts are grouped only when <c>GET /api/incidents</c> is asked, and nothing is linked.</summary>
    public bool Link { get; set; } = true;

    /// <summary>The same defaults as <c>GET /api/incidents</c>.</summary>
    [Range(0, 10_000)] public double DistanceMetres { get; set; } = 200;

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")] public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}

internal static partial class IncidentLog
{
    [LoggerMessage(EventId = 4311, Level = LogLevel.Information, Message = "Alert {AlertId} linked to incident {IncidentId}")]
    public static partial void Linked(ILogger logger, string alertId, string incidentId);

    [LoggerMessage(EventId = 4312, Level = LogLevel.Warning, Message = "Linking alerts into incidents failed; it runs again at the next interval")]
    public static partial void LinkFailed(ILogger logger, Exception exception);
}
