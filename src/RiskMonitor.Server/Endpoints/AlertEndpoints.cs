using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Notifications;

namespace RiskMonitor.Server.Endpoints;

public static class AlertEndpoints
{
    public static RouteGroupBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapGet("/", List).WithName("ListAlerts")
            .WithSummary("Current (not closed) alerts, worst and newest first.");
        alerts.MapGet("/{alertId}", Get).WithName("GetAlert");
        alerts.MapPost("/{alertId}/acknowledge", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Acknowledge, request, grains)).WithName("AcknowledgeAlert");
        alerts.MapPost("/{alertId}/start", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.StartWork, request, grains)).WithName("StartWorkOnAlert")
            .WithSummary("Dispatched / on site: the alert moves to in_progress.");
        alerts.MapPost("/{alertId}/resolve", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Resolve, request, grains)).WithName("ResolveAlert")
            .WithSummary("The condition is gone and the handler says why (note required).");
        alerts.MapPost("/{alertId}/close", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Close, request, grains)).WithName("CloseAlert")
            .WithSummary("Verified and signed off (销号); the alert leaves the current list.");
        return alerts;
    }

    private static Ok<AlertPage> List(
        AlertBoard board,
        WarningLevel? minSeverity = null, AlertState? state = null, bool? active = null,
        string? assetId = null, string? regionId = null, int limit = 1000)
    {
        var matches = board.Alerts
            .Where(a => (minSeverity is null || a.Severity >= minSeverity) && (state is null || a.State == state) &&
                        (active is null || a.ConditionActive == active) && (assetId is null || a.AssetId == assetId) &&
                        (regionId is null || a.RegionId == regionId))
            .OrderByDescending(a => a.ConditionActive).ThenByDescending(a => a.Severity).ThenByDescending(a => a.RaisedAt)
            .ToList();
        return TypedResults.Ok(new AlertPage(matches.Count, [.. matches.Take(Math.Clamp(limit, 1, 10_000))]));
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> Get(string alertId, IAssetRegistry registry, IGrainFactory grains)
    {
        if (AlertBook.AssetIdOf(alertId) is not { } assetId || !registry.TryGet(assetId, out _))
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var view = await grains.GetGrain<IAssetGrain>(assetId).GetView();
        return view.Alerts.FirstOrDefault(a => a.AlertId == alertId) is { } alert
            ? TypedResults.Ok(alert)
            : Problems.NotFound("Unknown alert", $"No open alert '{alertId}' (it may have been closed).");
    }

    private static async Task<Results<Ok<AlertView>, ValidationProblem, ProblemHttpResult>> Handle(
        string alertId, AlertActionKind kind, AlertActionRequest request, IGrainFactory grains)
    {
        // Every step is an audited act by a named person, so an anonymous one is refused.
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Actor) || request.Actor.Length > 100)
        {
            errors[nameof(request.Actor)] = ["Name the person taking this step (1-100 characters)."];
        }

        if (kind is AlertActionKind.Resolve or AlertActionKind.Close && string.IsNullOrWhiteSpace(request.Note))
        {
            errors[nameof(request.Note)] = ["Resolving and closing need a note: the cause found, the check made."];
        }

        if (request.Note is { Length: > 4000 })
        {
            errors[nameof(request.Note)] = ["A note is at most 4000 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (AlertBook.AssetIdOf(alertId) is not { } assetId)
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var result = await grains.GetGrain<IAssetGrain>(assetId).HandleAlert(new AlertAction(alertId, kind, request.Actor!, request.Note));
        return result.Status switch
        {
            AlertActionStatus.Done => TypedResults.Ok(result.Alert!),
            AlertActionStatus.UnknownAlert => Problems.NotFound("Unknown alert", $"No open alert '{alertId}'."),
            _ => Problems.Conflict(
                "Step not allowed",
                $"Cannot {kind} alert '{alertId}' in state {result.Alert?.State} (condition active: {result.Alert?.ConditionActive}). " +
                "Resolve needs the condition gone; close needs a resolved alert."),
        };
    }
}

/// <summary>A handler's step on an alert: who takes it and, for resolve and close, why.</summary>
public sealed record AlertActionRequest(string? Actor, string? Note);

public sealed record AlertPage(int Total, IReadOnlyList<AlertView> Items);
