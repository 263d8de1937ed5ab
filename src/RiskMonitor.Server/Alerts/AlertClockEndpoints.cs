using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts;

namespace RiskMonitor.Server.Alerts;

/// <summary>
/// Deprecated (decision 0042; the ladder is the incident's, decision 0037). Regulatory clocks on an alert (DESIGN.md §6): report to the authority within 1 h of confirmation (the first
/// acknowledgement), and each level up the grid within 2 h of the one below. Reports are ledger lines
/// (<c>reported_authority</c>, <c>reported_level_1</c>, ...), so the ledger records when each was made.
/// </summary>
internal static class AlertClockEndpoints
{
    private const string ReportedPrefix = AlertLedgerActions.Reported + "_";

    public static RouteGroupBuilder MapAlertClockEndpoints(this IEndpointRouteBuilder routes)
    {
        // Deprecated (decision 0042): the regulatory ladder lives on incident records (decision 0037). Kept working for the
        // integrations that call it; every answer says so (RFC 9745 Deprecation, RFC 8288 Link to the successor).
        var alerts = routes.MapGroup("/api/alerts").WithTags("Alerts").AddEndpointFilter(MarkDeprecated);
        alerts.MapGet("/{alertId}/clocks", Clocks).WithName("GetAlertClocks")
            .WithSummary("Deprecated: use the incident's ladder (/api/incidents/records). Reporting deadlines up the grid: to the authority within 1 h of confirmation, each level up within 2 h.");
        alerts.MapPost("/{alertId}/report", Report).WithName("ReportAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Deprecated: report on the incident (/api/incidents/records/{id}/reports). Records a report to the authority or a level up the grid (to: authority | level_1 | level_2 ...).");
        return alerts;
    }

    /// <summary>RFC 9745: deprecated since 2026-12-06 (when incident records took the ladder over); no sunset date is set yet.</summary>
    public const string DeprecatedSince = "@1796515200";

    public const string SuccessorLink = "</api/incidents/records>; rel=\"successor-version\"";

    private static async ValueTask<object?> MarkDeprecated(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers["Deprecation"] = DeprecatedSince;
        headers.Link = SuccessorLink;
        return await next(context);
    }

    private static async Task<Results<Ok<AlertClocks>, ProblemHttpResult>> Clocks(
        string alertId, IAlertStore store, IRegionChain regions, TimeProvider time, CancellationToken cancellationToken)
    {
        var history = await store.HistoryAsync(alertId, cancellationToken);
        if (history.Count == 0)
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var levels = Math.Max(1, regions.Above(history[^1].After.RegionId).Count);
        var confirmed = history.FirstOrDefault(e => e.Action is AlertLedgerActions.Acknowledged or AlertLedgerActions.WorkStarted)?.At;
        if (confirmed is null)
        {
            return TypedResults.Ok(new AlertClocks(alertId, null, []));
        }

        var reports = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var entry in history.Where(e => e.Action.StartsWith(ReportedPrefix, StringComparison.Ordinal)))
        {
            reports.TryAdd(entry.Action[ReportedPrefix.Length..], entry.At);
        }

        return TypedResults.Ok(new AlertClocks(alertId, confirmed, RegulatoryClocks.Evaluate(confirmed.Value, reports, levels, time.GetUtcNow())));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Report(
        string alertId, ReportRequest request, IAlertStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Actor) || request.Actor.Length > 100)
        {
            errors[nameof(request.Actor)] = ["Name the person who made the report (1-100 characters)."];
        }

        var to = request.To?.Trim().ToLowerInvariant();
        if (to != RegulatoryClocks.Authority && !(to is not null && to.StartsWith("level_", StringComparison.Ordinal) &&
                                                   int.TryParse(to.AsSpan(6), out var level) && level is >= 1 and <= 10))
        {
            errors[nameof(request.To)] = ["Report to 'authority' or a level up the grid: 'level_1', 'level_2', ..."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await store.AppendAsync(alertId, ReportedPrefix + to, request.Actor!, request.Note, time.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
    }
}

internal sealed record ReportRequest(string? Actor, string? To, string? Note) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <param name="ConfirmedAt">The first acknowledgement; null while nobody has confirmed the alert (no clocks run yet).</param>
internal sealed record AlertClocks(string AlertId, DateTimeOffset? ConfirmedAt, IReadOnlyList<RegulatoryClock> Clocks);
