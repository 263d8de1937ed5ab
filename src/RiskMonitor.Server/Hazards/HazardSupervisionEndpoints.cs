using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Evidence;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// Hazard supervision beyond the workflow steps (issue 21 item 3 and 4, docs/decisions/0038): re-grading with a reason,
/// the rectification plan (五到位), evidence files, the tip-line caller's record (supervisors only) and the caller's
/// outcome lookup, and the hazard layer of the wall map.
/// </summary>
internal static class HazardSupervisionEndpoints
{
    public const string EvidenceRecordKind = "hazard";

    public static IEndpointRouteBuilder MapHazardSupervisionEndpoints(this IEndpointRouteBuilder routes)
    {
        var hazards = routes.MapGroup("/api/hazards").WithTags("Hazards");
        hazards.MapPost("/{hazardId}/regrade", Regrade).WithName("RegradeHazard").RequireAuthorization(Policies.Supervise)
            .WithSummary("Re-grades a hazard (general / major) with the reason; a major one that is assigned needs its supervising department.");
        hazards.MapPost("/{hazardId}/plan", RecordPlan).WithName("RecordHazardPlan").RequireAuthorization(Policies.Operate)
            .WithSummary("Records the rectification plan (五到位: measures, responsible person, funds, time limit, contingency plan), in parts if need be.");
        hazards.MapGet("/{hazardId}/tip", Tip).WithName("GetHazardTip").RequireAuthorization(Policies.Supervise)
            .WithSummary("The tip-line caller's record: reference, contact, category, department. Supervisors only; every read is audited.");
        hazards.MapGet("/tip-line/{reference}", TipOutcome).WithName("TipLineOutcome").AllowAnonymous()
            .WithSummary("What became of a tip, by the reference the caller was given: status only.");
        hazards.MapEvidence(
            new EvidenceEndpoints.RecordHooks(
                EvidenceRecordKind, "hazardId",
                async (id, ct) => await Store(routes).FindAsync(id, ct) is not null,
                (id, file, ct) => RecordEvidenceLineAsync(routes, id, file, ct)),
            "Hazard", Policies.Operate);
        routes.MapGet("/api/map/hazards", Layer).WithTags("Risk map").WithName("HazardLayer")
            .WithSummary("Open hazards as GeoJSON points, with level, overdue and listed supervision, for the wall's hazard layer.");
        return routes;
    }

    private static IHazardStore Store(IEndpointRouteBuilder routes) => routes.ServiceProvider.GetRequiredService<IHazardStore>();

    private static async Task<Results<Ok<HazardView>, ValidationProblem, ProblemHttpResult>> Regrade(
        string hazardId, HazardRegradeRequest request, IHazardStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        HazardFields.Require(errors, nameof(request.Actor), request.Actor, 100);
        HazardFields.Require(errors, nameof(request.Reason), request.Reason, 2000);
        HazardFields.Limit(errors, nameof(request.SupervisingDepartment), request.SupervisingDepartment, 200);
        if (request.Level is null)
        {
            errors[nameof(request.Level)] = ["Name the new level: general or major."];
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
        var (after, refusal) = HazardSupervision.Regrade(hazard, request.Level!.Value, request.Reason, now, request.SupervisingDepartment);
        if (after is null)
        {
            return hazard.Status == HazardStatus.Verified || hazard.Level == request.Level
                ? Problems.Conflict("Re-grade not allowed", refusal!)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["regrade"] = [refusal!] });
        }

        var note = $"{HazardFields.Name(hazard.Level)} -> {HazardFields.Name(after.Level)}: {request.Reason!.Trim()}";
        return await store.RecordAsync(hazard, after, "regraded", request.Actor!.Trim(), note, now, cancellationToken)
            ? TypedResults.Ok(HazardView.Of(after, now))
            : Changed(hazardId);
    }

    private static async Task<Results<Ok<HazardView>, ValidationProblem, ProblemHttpResult>> RecordPlan(
        string hazardId, HazardPlanRequest request, IHazardStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        HazardFields.Require(errors, nameof(request.Actor), request.Actor, 100);
        HazardFields.Limit(errors, nameof(request.Measures), request.Measures, 4000);
        HazardFields.Limit(errors, nameof(request.ResponsiblePerson), request.ResponsiblePerson, 200);
        HazardFields.Limit(errors, nameof(request.ContingencyPlan), request.ContingencyPlan, 4000);
        if (request.FundsYuan is < 0 or > 1_000_000_000_000m)
        {
            errors[nameof(request.FundsYuan)] = ["Funds are a sum in yuan, from 0 to 10^12."];
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
        var plan = new RectificationPlan(request.Measures, request.ResponsiblePerson, request.FundsYuan, request.CompleteBy, request.ContingencyPlan);
        var (after, refusal) = HazardSupervision.RecordPlan(hazard, plan, now);
        if (after is null)
        {
            return hazard.Status == HazardStatus.Verified
                ? Problems.Conflict("Plan not allowed", refusal!)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["plan"] = [refusal!] });
        }

        var missing = after.Plan!.Missing();
        var note = missing.Count == 0 ? "plan complete (五到位)" : $"plan lacks {string.Join(", ", missing)}";
        return await store.RecordAsync(hazard, after, "plan_recorded", request.Actor!.Trim(), note, now, cancellationToken)
            ? TypedResults.Ok(HazardView.Of(after, now))
            : Changed(hazardId);
    }

    private static async Task<Results<Ok<TipRecord>, ProblemHttpResult>> Tip(
        string hazardId, HttpContext http, ITipLineStore tips, CancellationToken cancellationToken)
    {
        // Who read a whistle-blower's contact, and when, goes on the audit trail like a write.
        http.Items[AuditTrailWriter.AuditedReadKey] = true;
        return await tips.FindByHazardAsync(hazardId, cancellationToken) is { } tip
            ? TypedResults.Ok(tip)
            : Problems.NotFound("No tip", $"Hazard '{hazardId}' did not come from the tip line.");
    }

    private static async Task<Results<Ok<TipOutcome>, ProblemHttpResult>> TipOutcome(
        string reference, ITipLineStore tips, IHazardStore store, CancellationToken cancellationToken)
    {
        // Same answer for a malformed and an unknown reference: the lookup tells a guesser nothing.
        if (!TipReference.IsWellFormed(reference) || await tips.FindByReferenceAsync(reference, cancellationToken) is not { } tip ||
            await store.FindAsync(tip.HazardId, cancellationToken) is not { } hazard)
        {
            return Problems.NotFound("Unknown reference", "No tip has this reference; check it with the 12350 operator.");
        }

        return TypedResults.Ok(new TipOutcome(tip.Reference, tip.ReceivedAt, HazardFields.Name(hazard.Status), tip.Department, hazard.UpdatedAt));
    }

    private static Task<Ok<HazardLayer>> Layer(HazardLayerQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        queries.LayerAsync(user, cancellationToken);

    private static Task RecordEvidenceLineAsync(IEndpointRouteBuilder routes, string hazardId, EvidenceFile file, CancellationToken cancellationToken)
    {
        var store = Store(routes);
        return EvidenceEndpoints.RecordLineAsync(async action =>
            await store.FindAsync(hazardId, cancellationToken) is not { } hazard ||
            await store.RecordAsync(hazard, hazard with { UpdatedAt = file.UploadedAt > hazard.UpdatedAt ? file.UploadedAt : hazard.UpdatedAt.AddMilliseconds(1) },
                action, file.UploadedBy, EvidenceEndpoints.LedgerNote(file), file.UploadedAt, cancellationToken));
    }

    private static ProblemHttpResult Changed(string hazardId) =>
        Problems.Conflict("Changed meanwhile", $"Hazard '{hazardId}' was changed by someone else; reload it and try again.");
}

internal sealed record HazardRegradeRequest(string? Actor, HazardLevel? Level, string? Reason, string? SupervisingDepartment = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record HazardPlanRequest(
    string? Actor, string? Measures = null, string? ResponsiblePerson = null, decimal? FundsYuan = null, DateTimeOffset? CompleteBy = null,
    string? ContingencyPlan = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <summary>What the caller learns from their reference: when the tip came, where it went, and how far it got. Nothing of the tip itself.</summary>
internal sealed record TipOutcome(string Reference, DateTimeOffset ReceivedAt, string Status, string Department, DateTimeOffset UpdatedAt);

/// <summary>A GeoJSON FeatureCollection of hazard points; <see cref="Unplaced"/> counts open hazards with no place to show.</summary>
internal sealed record HazardLayer(string Type, IReadOnlyList<HazardFeature> Features, int Unplaced);

internal sealed record HazardFeature(string Type, HazardPoint Geometry, HazardFeatureProperties Properties);

internal sealed record HazardPoint(string Type, double[] Coordinates);

internal sealed record HazardFeatureProperties(
    string HazardId, string Level, string Status, bool Overdue, bool ListedSupervision, string Description, string? RegionId, string? ResponsibleUnit,
    string? SupervisingDepartment, DateTimeOffset? Deadline, int OverdueEscalations, string? DrillId);
