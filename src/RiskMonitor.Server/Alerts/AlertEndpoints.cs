using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Silences;
using RiskMonitor.Storage.Alerts;

namespace RiskMonitor.Server.Alerts;

internal static class AlertEndpoints
{
    public static RouteGroupBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapGet("/", List).WithName("ListAlerts")
            .WithSummary("Current (not closed) alerts, worst and newest first; state=closed lists closed alerts from the alert store, newest first.");
        alerts.MapGet("/{alertId}", Get).WithName("GetAlert");
        alerts.MapGet("/{alertId}/history", History).WithName("GetAlertHistory")
            .WithSummary("The alert's append-only ledger: every change with actor, time, note and the alert before and after.");
        alerts.MapGet("/{alertId}/escalation", EscalationStatusAsync).WithName("GetAlertEscalation")
            .WithSummary("The escalation clock: steps fired so far and when the next one is due (while unacknowledged).");
        alerts.MapPost("/{alertId}/assign", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Assign, request, grains)).WithName("AssignAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Names the person handling the alert (assignee required).");
        alerts.MapPost("/{alertId}/comment", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Comment, request, grains)).WithName("CommentOnAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Adds a note to the ledger; allowed until the alert is closed.");
        alerts.MapPost("/{alertId}/acknowledge", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Acknowledge, request, grains)).WithName("AcknowledgeAlert").RequireAuthorization(Policies.Operate);
        alerts.MapPost("/{alertId}/start", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.StartWork, request, grains)).WithName("StartWorkOnAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Dispatched / on site: the alert moves to in_progress.");
        alerts.MapPost("/{alertId}/resolve", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Resolve, request, grains)).WithName("ResolveAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("The condition is gone and the handler says why (note required).");
        alerts.MapPost("/{alertId}/close", (string alertId, AlertActionRequest request, IGrainFactory grains) =>
            Handle(alertId, AlertActionKind.Close, request, grains)).WithName("CloseAlert").RequireAuthorization(Policies.Supervise)
            .WithSummary("Verified and signed off (销号); the alert leaves the current list.");
        return alerts;
    }

    private static Task<Results<Ok<AlertPage>, ValidationProblem>> List(
        AlertQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken,
        string? minSeverity = null, string? state = null, bool? active = null,
        string? assetId = null, string? regionId = null, int limit = 1000, int offset = 0) =>
        queries.ListAsync(new AlertListFilter(minSeverity, state, active, assetId, regionId, limit, offset), user, cancellationToken);

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> Get(
        string alertId, IAssetRegistry registry, IGrainFactory grains, IAlertStore store, SilenceReadModel silences, CancellationToken cancellationToken)
    {
        // A drill's alert is read from its drill key's grain (decision 0042); the registry knows the asset behind it.
        if (AlertBook.AssetIdOf(alertId) is not { } assetId || !registry.TryGet(DrillKey.AssetOf(assetId), out _))
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var view = await grains.GetGrain<IAssetGrain>(assetId).GetView();
        if (view.Alerts.FirstOrDefault(a => a.AlertId == alertId) is { } alert)
        {
            return TypedResults.Ok(silences.Decorate(alert));
        }

        // Closed alerts leave their grain; the store keeps them.
        return await store.FindAsync(alertId, cancellationToken) is { } stored
            ? TypedResults.Ok(stored)
            : Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
    }

    private static async Task<Results<Ok<IReadOnlyList<AlertLedgerEntry>>, ProblemHttpResult>> History(
        string alertId, IAlertStore store, CancellationToken cancellationToken)
    {
        var entries = await store.HistoryAsync(alertId, cancellationToken);
        return entries.Count == 0
            ? Problems.NotFound("Unknown alert", $"No alert '{alertId}'.")
            : TypedResults.Ok(entries);
    }

    private static async Task<Ok<EscalationStatus>> EscalationStatusAsync(
        string alertId, IGrainFactory grains, IAlertStore store, CancellationToken cancellationToken)
    {
        var status = await grains.For(alertId).GetStatus();
        if (status.Tracking)
        {
            return TypedResults.Ok(status);
        }

        // A clock is dropped when it stops; the steps it fired are in the ledger.
        var fired = (await store.HistoryAsync(alertId, cancellationToken)).Where(e => e.Action == AlertLedgerActions.Escalated).ToList();
        return TypedResults.Ok(status with { StepsFired = fired.Count, LastFiredAt = fired.Count > 0 ? fired[^1].At : null });
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

        if (kind is AlertActionKind.Resolve or AlertActionKind.Close or AlertActionKind.Comment && string.IsNullOrWhiteSpace(request.Note))
        {
            errors[nameof(request.Note)] = ["Resolving, closing and commenting need a note: the cause found, the check made, the remark."];
        }

        if (kind == AlertActionKind.Assign && (string.IsNullOrWhiteSpace(request.Assignee) || request.Assignee.Length > 100))
        {
            errors[nameof(request.Assignee)] = ["Name the person the alert is assigned to (1-100 characters)."];
        }

        if (request.Cause is { Length: > 100 })
        {
            errors[nameof(request.Cause)] = ["A cause is at most 100 characters (e.g. false_alarm, leak_repaired)."];
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

        var result = await grains.GetGrain<IAssetGrain>(assetId).HandleAlert(new AlertAction(alertId, kind, request.Actor!, request.Note)
        {
            Assignee = request.Assignee?.Trim(),
            Cause = string.IsNullOrWhiteSpace(request.Cause) ? null : request.Cause.Trim(),
        });
        return result.Status switch
        {
            AlertActionStatus.Done => TypedResults.Ok(result.Alert!),
            AlertActionStatus.UnknownAlert => Problems.NotFound("Unknown alert", $"No open alert '{alertId}'."),
            _ => Problems.Conflict(
                "Step not allowed",
                $"Cannot {kind} alert '{alertId}' in state {result.Alert?.State} (condition active: {result.Alert?.ConditionActive}). " +
                "Acknowledge needs an open alert; resolve needs the condition gone; close needs a resolved alert; nothing changes a closed one."),
        };
    }
}

/// <summary>
/// A handler's step on an alert: who takes it and, for resolve, close and comment, why. <paramref name="Assignee"/> is
/// for assign, <paramref name="Cause"/> for resolve (e.g. <c>false_alarm</c>, <c>leak_repaired</c>).
/// </summary>
internal sealed record AlertActionRequest(string? Actor, string? Note, string? Assignee = null, string? Cause = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record AlertPage(int Total, IReadOnlyList<AlertView> Items);
