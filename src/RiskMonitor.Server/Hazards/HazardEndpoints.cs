using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// The hidden-hazard ledger (隐患台账): report (inspection, 12350 tip line, or from an alert), assign with a responsible
/// unit and deadline, rectify, verify (销号); overdue flags; statistics. Every step is an audited ledger line.
/// </summary>
internal static class HazardEndpoints
{
    public static RouteGroupBuilder MapHazardEndpoints(this IEndpointRouteBuilder routes)
    {
        var hazards = routes.MapGroup("/api/hazards").WithTags("Hazards");
        hazards.MapGet("/", List).WithName("ListHazards").WithSummary("Hazards, newest first; filter by status, level, region, industry, overdue.");
        hazards.MapGet("/stats", Stats).WithName("HazardStats").RequireAuthorization(Policies.CityWide).WithSummary("Counts by status, level, region and industry; overdue and under listed supervision.");
        hazards.MapGet("/{hazardId}", Get).WithName("GetHazard");
        hazards.MapGet("/{hazardId}/history", History).WithName("GetHazardHistory");
        hazards.MapPost("/", Report).WithName("ReportHazard").RequireAuthorization(Policies.Operate).WithSummary("Reports a hazard found by inspection (or another source).");
        hazards.MapPost("/tip-line", TipLine).WithName("TipLineIntake").AllowAnonymous().WithSummary("12350 tip line intake: a general hazard from the public.");
        routes.MapPost("/api/alerts/{alertId}/hazard", FromAlert).WithTags("Hazards").WithName("ConvertAlertToHazard").RequireAuthorization(Policies.Operate)
            .WithSummary("Opens a hazard from an alert (the alert's asset, region and industry carry over).");
        foreach (var (path, step) in new[]
        {
            ("assign", HazardStep.Assign), ("start", HazardStep.StartRectifying), ("rectified", HazardStep.Rectified),
            ("verify", HazardStep.Verify), ("reject", HazardStep.RejectRectification),
        })
        {
            hazards.MapPost($"/{{hazardId}}/{path}", (string hazardId, HazardStepRequest request, IHazardStore store, TimeProvider time, CancellationToken ct) =>
                Step(hazardId, step, request, store, time, ct)).WithName($"Hazard{step}")
                // Verifying a rectification, or refusing it, is the sign-off (销号): a supervisor's act.
                .RequireAuthorization(step is HazardStep.Verify or HazardStep.RejectRectification ? Policies.Supervise : Policies.Operate);
        }

        return hazards;
    }

    private static Task<Results<Ok<IReadOnlyList<HazardView>>, ValidationProblem>> List(
        HazardQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken,
        string? status = null, string? level = null, string? regionId = null, string? industry = null, bool overdue = false,
        int offset = 0, int limit = 1000) =>
        queries.ListAsync(new HazardListFilter(status, level, regionId, industry, overdue, offset, limit), user, cancellationToken);

    private static async Task<Ok<HazardStats>> Stats(IHazardStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // A drill's hazards are not counted (decision 0049): the figures are the city's real ones.
        var all = (await store.QueryAsync(new HazardQuery(Limit: 10_000), cancellationToken)).Where(h => !h.Exercise).ToList();
        return TypedResults.Ok(new HazardStats(
            all.Count,
            all.Count(h => h.IsOverdue(now)),
            all.Count(h => h.ListedSupervision && h.Status != HazardStatus.Verified),
            Count(all, h => HazardFields.Name(h.Status)),
            Count(all, h => HazardFields.Name(h.Level)),
            Count(all, h => h.RegionId ?? "unknown"),
            Count(all, h => h.Industry ?? "unknown")));
    }

    private static async Task<Results<Ok<HazardView>, ProblemHttpResult>> Get(string hazardId, IHazardStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await store.FindAsync(hazardId, cancellationToken) is { } hazard
            ? TypedResults.Ok(HazardView.Of(hazard, time.GetUtcNow()))
            : Problems.NotFound("Unknown hazard", $"No hazard '{hazardId}'.");

    private static async Task<Results<Ok<IReadOnlyList<HazardLedgerEntry>>, ProblemHttpResult>> History(string hazardId, IHazardStore store, CancellationToken cancellationToken)
    {
        var entries = await store.HistoryAsync(hazardId, cancellationToken);
        return entries.Count == 0 ? Problems.NotFound("Unknown hazard", $"No hazard '{hazardId}'.") : TypedResults.Ok(entries);
    }

    private static Task<Results<Created<HazardView>, ValidationProblem, ProblemHttpResult>> Report(
        HazardReportRequest request, ClaimsPrincipal user, HazardCommands commands, CancellationToken cancellationToken) =>
        commands.ReportAsync(request, user, cancellationToken);

    private static Task<Results<Created<TipReceipt>, ValidationProblem>> TipLine(
        TipLineRequest request, TipLineCommands commands, CancellationToken cancellationToken) =>
        commands.ReceiveAsync(request, cancellationToken);

    private static Task<Results<Created<HazardView>, ValidationProblem, ProblemHttpResult>> FromAlert(
        string alertId, HazardReportRequest request, HazardCommands commands, CancellationToken cancellationToken) =>
        commands.FromAlertAsync(alertId, request, cancellationToken);

    private static async Task<Results<Ok<HazardView>, ValidationProblem, ProblemHttpResult>> Step(
        string hazardId, HazardStep step, HazardStepRequest request, IHazardStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        HazardFields.Require(errors, nameof(request.Actor), request.Actor, 100);
        if (step is HazardStep.Verify or HazardStep.RejectRectification or HazardStep.Rectified && string.IsNullOrWhiteSpace(request.Note))
        {
            errors[nameof(request.Note)] = ["Rectifying, verifying and rejecting need a note: what was done, what was checked."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.FindAsync(hazardId, cancellationToken) is not { } hazard)
        {
            return Problems.NotFound("Unknown hazard", $"No hazard '{hazardId}'.");
        }

        var now = time.GetUtcNow();
        var (after, refusal) = HazardWorkflow.Apply(hazard, step, now, request.ResponsibleUnit, request.Deadline, request.SupervisingDepartment);
        if (after is null)
        {
            return step == HazardStep.Assign && hazard.Status is HazardStatus.Reported or HazardStatus.Assigned
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assign"] = [refusal!] })
                : Problems.Conflict("Step not allowed", refusal!);
        }

        var action = step switch
        {
            HazardStep.Assign => "assigned",
            HazardStep.StartRectifying => "rectifying",
            HazardStep.Rectified => "rectified",
            HazardStep.Verify => "verified",
            _ => "rectification_rejected",
        };
        return await store.RecordAsync(hazard, after, action, request.Actor!.Trim(), request.Note, now, cancellationToken)
            ? TypedResults.Ok(HazardView.Of(after, now))
            : Problems.Conflict("Changed meanwhile", $"Hazard '{hazardId}' was changed by someone else; reload it and try again.");
    }

    private static Dictionary<string, int> Count(IEnumerable<Hazard> hazards, Func<Hazard, string> key) =>
        hazards.GroupBy(key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}

internal sealed record HazardReportRequest(
    string? Actor, string? Description, HazardLevel? Level = null, HazardSource? Source = null, string? AssetId = null, string? RegionId = null,
    string? Industry = null, string? Location = null, string? ResponsibleUnit = null, string? SupervisingDepartment = null,
    DateTimeOffset? Deadline = null, string? Note = null, string? DrillId = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <param name="Location">The address as the caller gave it; placed in its grid by the region names it contains.</param>
/// <param name="Contact">The caller's phone or name, if given: kept apart, readable by supervisors only.</param>
/// <param name="Category">What the tip is about (an industry: gas, special_equipment, ...), which decides the responsible department; <paramref name="Industry"/> is its older name.</param>
internal sealed record TipLineRequest(
    string? Description, string? Location = null, string? Contact = null, string? RegionId = null, string? Industry = null, string? Category = null,
    double? Longitude = null, double? Latitude = null);

/// <summary>What the tip line answers the caller: the reference to ask for the outcome, and where the tip went.</summary>
internal sealed record TipReceipt(string Reference, string HazardId, string Department, string? RegionId, string Placement);

internal sealed record HazardStepRequest(
    string? Actor, string? Note = null, string? ResponsibleUnit = null, DateTimeOffset? Deadline = null, string? SupervisingDepartment = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <summary>A hazard as the API shows it, with its overdue flag at the time of the request.</summary>
internal sealed record HazardView(Hazard Hazard, bool Overdue, bool ListedSupervision)
{
    public static HazardView Of(Hazard hazard, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        return new(hazard, hazard.IsOverdue(now), hazard.ListedSupervision);
    }
}

internal sealed record HazardStats(
    int Total, int Overdue, int UnderListedSupervision, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyDictionary<string, int> ByLevel,
    IReadOnlyDictionary<string, int> ByRegion, IReadOnlyDictionary<string, int> ByIndustry);
