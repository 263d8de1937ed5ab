using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Drills;

namespace RiskMonitor.Server.Drills;

/// <summary>
/// Drills (演练): plan one for a time or start one unscripted, send injects through the ingestion path, end it, and read
/// its report. City-wide: a drill's injects may touch any asset, and its report names everyone who answered.
/// </summary>
internal static class DrillEndpoints
{
    public const string Path = "/api/drills";

    public static RouteGroupBuilder MapDrillEndpoints(this IEndpointRouteBuilder routes)
    {
        var drills = routes.MapGroup(Path).WithTags("Drills").RequireAuthorization(Policies.CityWide);
        drills.MapGet("/", List).WithName("ListDrills").WithSummary("Drills, newest first; active=true for the scheduled and running ones.");
        drills.MapGet("/{drillId}", Get).WithName("GetDrill");
        drills.MapGet("/{drillId}/report", Report).WithName("GetDrillReport")
            .WithSummary("The drill report: every drill alert with who acknowledged, started work and closed it, how long after the raise, and whether its clock was met.");
        drills.MapPost("/", Create).WithName("CreateDrill").RequireAuthorization(Policies.Supervise)
            .WithSummary("Plans a drill: mode scheduled (with scheduledFor) or unscripted (starts now and sends its scenario at once).");
        drills.MapPost("/{drillId}/start", Start).WithName("StartDrill").RequireAuthorization(Policies.Supervise)
            .WithSummary("Starts a scheduled drill before its time and sends its scenario.");
        drills.MapPost("/{drillId}/inject", Inject).WithName("InjectIntoDrill").RequireAuthorization(Policies.Supervise)
            .WithSummary("Sends readings or device events into a running drill, through the MQTT ingestion path on the drill channel.");
        drills.MapPost("/{drillId}/end", End).WithName("EndDrill").RequireAuthorization(Policies.Supervise)
            .WithSummary("Ends a running drill (cancels a scheduled one) and closes every drill alert still open.");
        return drills;
    }

    private static async Task<Ok<IReadOnlyList<Drill>>> List(IDrillStore store, CancellationToken cancellationToken, bool active = false, int limit = 100) =>
        TypedResults.Ok(await store.ListAsync(active, Math.Clamp(limit, 1, 1000), cancellationToken));

    private static async Task<Results<Ok<Drill>, ProblemHttpResult>> Get(string drillId, IDrillStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(drillId, cancellationToken) is { } drill ? TypedResults.Ok(drill) : Unknown(drillId);

    private static async Task<Results<Ok<DrillReportView>, ProblemHttpResult>> Report(string drillId, DrillReportQueries reports, CancellationToken cancellationToken) =>
        await reports.ReportAsync(drillId, cancellationToken) is { } report ? TypedResults.Ok(report) : Unknown(drillId);

    private static async Task<Results<Created<Drill>, ValidationProblem, ProblemHttpResult>> Create(
        DrillCreateRequest request, DrillRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (drill, errors) = DrillWorkflow.Plan(runner.NewDrillId(), request.Title, request.Mode ?? DrillMode.Unscripted, request.ScheduledFor,
            request.Scenario, request.Actor!, now);
        if (drill is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (runner.UnknownAssets(drill.Scenario, "scenario") is { Count: > 0 } unknown)
        {
            return TypedResults.ValidationProblem(unknown);
        }

        return await runner.CreateAsync(drill, cancellationToken)
            ? TypedResults.Created($"{Path}/{drill.DrillId}", drill.IsRunning ? DrillWorkflow.Record(drill, drill.Scenario, drill.CreatedBy, now).Drill : drill)
            : Problems.Conflict("Drill not recorded", $"A drill '{drill.DrillId}' exists already; try again.");
    }

    private static async Task<Results<Ok<Drill>, ProblemHttpResult>> Start(
        string drillId, DrillStepRequest request, DrillRunner runner, CancellationToken cancellationToken) =>
        Answer(drillId, "start", await runner.StartAsync(drillId, request.Actor!, cancellationToken));

    private static async Task<Results<Ok<Drill>, ValidationProblem, ProblemHttpResult>> Inject(
        string drillId, DrillInjectRequest request, DrillRunner runner, CancellationToken cancellationToken)
    {
        var injects = request.Injects ?? [];
        var errors = new Dictionary<string, string[]>();
        if (injects.Count == 0)
        {
            errors["injects"] = ["Give at least one inject: {assetId, metric, value} or {assetId, eventCode}."];
        }

        DrillWorkflow.AddInjectErrors(injects, errors, "injects");
        if (errors.Count == 0)
        {
            errors = runner.UnknownAssets(injects, "injects");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await runner.InjectAsync(drillId, injects, request.Actor!, cancellationToken);
        return result.Status == DrillStepStatus.Done ? TypedResults.Ok(result.Drill!) : Refused(drillId, "inject into", result);
    }

    private static async Task<Results<Ok<DrillEnded>, ProblemHttpResult>> End(
        string drillId, DrillStepRequest request, DrillRunner runner, CancellationToken cancellationToken)
    {
        var result = await runner.EndAsync(drillId, request.Actor!, cancellationToken);
        return result.Status == DrillStepStatus.Done ? TypedResults.Ok(new DrillEnded(result.Drill!, result.ClosedAlerts)) : Refused(drillId, "end", result);
    }

    private static Results<Ok<Drill>, ProblemHttpResult> Answer(string drillId, string verb, DrillStepResult result) =>
        result.Status == DrillStepStatus.Done ? TypedResults.Ok(result.Drill!) : Refused(drillId, verb, result);

    private static ProblemHttpResult Refused(string drillId, string verb, DrillStepResult result) => result.Status switch
    {
        DrillStepStatus.UnknownDrill => Unknown(drillId),
        DrillStepStatus.Conflict => Problems.Conflict("Drill changed", $"Drill '{drillId}' was changed by someone else at the same moment; read it and try again."),
        _ => Problems.Conflict("Step not allowed", $"Cannot {verb} drill '{drillId}' while it is {result.Drill?.Status.ToString().ToLowerInvariant()}."),
    };

    private static ProblemHttpResult Unknown(string drillId) => Problems.NotFound("Unknown drill", $"No drill '{drillId}'.");
}

/// <summary>A new drill. <paramref name="Mode"/> defaults to unscripted (starts now).</summary>
internal sealed record DrillCreateRequest(string? Actor, string? Title, DrillMode? Mode = null, DateTimeOffset? ScheduledFor = null, IReadOnlyList<DrillInject>? Scenario = null)
    : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record DrillInjectRequest(string? Actor, IReadOnlyList<DrillInject>? Injects) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <summary>Start or end: the signed-in person is recorded; the body may be empty (<c>{}</c>).</summary>
internal sealed record DrillStepRequest(string? Actor = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record DrillEnded(Drill Drill, int ClosedAlerts);
