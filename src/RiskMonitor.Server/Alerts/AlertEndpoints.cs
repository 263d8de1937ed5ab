using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
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
        alerts.MapPost("/{alertId}/assign", (string alertId, AlertActionRequest request, AlertCommands commands) =>
            commands.ActAsync(alertId, AlertActionKind.Assign, request)).WithName("AssignAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Names the person handling the alert (assignee required).");
        alerts.MapPost("/{alertId}/comment", (string alertId, AlertActionRequest request, AlertCommands commands) =>
            commands.ActAsync(alertId, AlertActionKind.Comment, request)).WithName("CommentOnAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Adds a note to the ledger; allowed until the alert is closed.");
        alerts.MapPost("/{alertId}/acknowledge", (string alertId, AlertActionRequest request, AlertCommands commands) =>
            commands.ActAsync(alertId, AlertActionKind.Acknowledge, request)).WithName("AcknowledgeAlert").RequireAuthorization(Policies.Operate);
        alerts.MapPost("/{alertId}/start", (string alertId, AlertActionRequest request, AlertCommands commands) =>
            commands.ActAsync(alertId, AlertActionKind.StartWork, request)).WithName("StartWorkOnAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Dispatched / on site: the alert moves to in_progress.");
        alerts.MapPost("/{alertId}/resolve", (string alertId, AlertActionRequest request, AlertCommands commands) =>
            commands.ActAsync(alertId, AlertActionKind.Resolve, request)).WithName("ResolveAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("The condition is gone and the handler says why (note required).");
        alerts.MapPost("/{alertId}/close", (string alertId, AlertActionRequest request, AlertCommands commands) =>
            commands.ActAsync(alertId, AlertActionKind.Close, request)).WithName("CloseAlert").RequireAuthorization(Policies.Supervise)
            .WithSummary("Verified and signed off (销号); the alert leaves the current list.");
        return alerts;
    }

    private static Task<Results<Ok<AlertPage>, ValidationProblem>> List(
        AlertQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken,
        string? minSeverity = null, string? state = null, bool? active = null,
        string? assetId = null, string? regionId = null, int limit = 1000, int offset = 0) =>
        queries.ListAsync(new AlertListFilter(minSeverity, state, active, assetId, regionId, limit, offset), user, cancellationToken);

    private static Task<Results<Ok<AlertView>, ProblemHttpResult>> Get(string alertId, AlertQueries queries, CancellationToken cancellationToken) =>
        queries.GetAsync(alertId, cancellationToken);

    private static async Task<Results<Ok<IReadOnlyList<AlertLedgerEntry>>, ProblemHttpResult>> History(
        string alertId, IAlertStore store, CancellationToken cancellationToken)
    {
        var entries = await store.HistoryAsync(alertId, cancellationToken);
        return entries.Count == 0
            ? Problems.NotFound("Unknown alert", $"No alert '{alertId}'.")
            : TypedResults.Ok(entries);
    }

    private static Task<Ok<EscalationStatus>> EscalationStatusAsync(string alertId, AlertQueries queries, CancellationToken cancellationToken) =>
        queries.EscalationAsync(alertId, cancellationToken);
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
