using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Security;
using RiskMonitor.Storage.Alerts;

namespace RiskMonitor.Server.Endpoints;

/// <summary>
/// Regulatory clocks on an incident (DESIGN.md §6): report to the authority within 1 h of confirmation (the first
/// acknowledgement), and each level up the grid within 2 h of the one below. Reports are ledger lines
/// (<c>reported_authority</c>, <c>reported_level_1</c>, ...), so the ledger records when each was made.
/// </summary>
public static class AlertClockEndpoints
{
    private const string ReportedPrefix = AlertLedgerActions.Reported + "_";

    public static RouteGroupBuilder MapAlertClockEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapGet("/{alertId}/clocks", Clocks).WithName("GetAlertClocks")
            .WithSummary("Reporting deadlines: to the authority within 1 h of confirmation, each level up within 2 h; due, met or overdue.");
        alerts.MapPost("/{alertId}/report", Report).WithName("ReportAlert").RequireAuthorization(Policies.Operate)
            .WithSummary("Records that the incident was reported to the authority or a level up the grid (to: authority | level_1 | level_2 ...).");
        return alerts;
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

public sealed record ReportRequest(string? Actor, string? To, string? Note) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <param name="ConfirmedAt">The first acknowledgement; null while nobody has confirmed the alert (no clocks run yet).</param>
public sealed record AlertClocks(string AlertId, DateTimeOffset? ConfirmedAt, IReadOnlyList<RegulatoryClock> Clocks);
