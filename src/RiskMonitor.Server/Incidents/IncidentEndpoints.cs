using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// Incidents (事故) as records: open one (or promote alerts, or the current grouping of <c>GET /api/incidents</c>), record
/// new figures, report up the ladder (首报, 续报, 终报), link alerts, hazards and units, close (结案) and review. Every view
/// carries its grade with the basis and every clock of the ladder at the time of the request. Evidence files: <see cref="IncidentEvidence"/>.
/// </summary>
internal static class IncidentEndpoints
{
    public const string Path = "/api/incidents/records";

    /// <summary>The alert's ledger line when it is promoted into an incident.</summary>
    internal const string AlertPromotedAction = "incident_opened";

    public static RouteGroupBuilder MapIncidentEndpoints(this IEndpointRouteBuilder routes)
    {
        var incidents = routes.MapGroup(Path).WithTags("Incidents");
        incidents.MapGet("/", List).WithName("ListIncidentRecords").WithSummary("Incident records, newest first; open=true for the ones whose clocks run.");
        incidents.MapGet("/{incidentId}", Get).WithName("GetIncidentRecord").WithSummary("One incident with its grade, basis and reporting clocks.");
        incidents.MapGet("/{incidentId}/history", History).WithName("GetIncidentHistory");
        incidents.MapGet("/{incidentId}/response", Response).WithName("GetIncidentResponse")
            .WithSummary("The drill report (and a real incident's response): who acknowledged its alerts, arrived on site and reported, and how long each took.");
        incidents.MapGet("/{incidentId}/cap", Cap).WithName("GetIncidentCap").WithSummary("The incident as an OASIS CAP 1.2 message (status Exercise for a drill).");
        incidents.MapPost("/", Open).WithName("OpenIncident").RequireAuthorization(Policies.Operate)
            .WithSummary("Records an incident, from scratch, from alerts (alertIds) or from the current grouping (groupId).");
        incidents.MapPost("/{incidentId}/figures", Figures).WithName("UpdateIncidentFigures").RequireAuthorization(Policies.Operate)
            .WithSummary("New casualty and loss figures: re-grades, and owes a follow-up report within the 30-day window.");
        incidents.MapPost("/{incidentId}/reports", Report).WithName("ReportIncident").RequireAuthorization(Policies.Operate)
            .WithSummary("Records a report made up the ladder: kind first | follow_up | final, level county | city | province | state_council.");
        incidents.MapPost("/{incidentId}/links", Link).WithName("LinkIncident").RequireAuthorization(Policies.Operate)
            .WithSummary("Links alerts, hazards and units to the incident.");
        incidents.MapPost("/{incidentId}/close", Close).WithName("CloseIncident").RequireAuthorization(Policies.Supervise)
            .WithSummary("结案: after the final report; 较大 and above name their supervising body. The review falls due within a year.");
        incidents.MapPost("/{incidentId}/review", Review).WithName("ReviewIncident").RequireAuthorization(Policies.Supervise)
            .WithSummary("Records the post-closure review of how the lessons were put into practice.");
        incidents.MapIncidentEvidence(routes);
        return incidents;
    }

    private static async Task<Ok<IReadOnlyList<IncidentView>>> List(
        IIncidentStore store, ClaimsPrincipal user, AccessControl access, [FromKeyedServices(IncidentsModule.TimeKey)] TimeProvider time,
        CancellationToken cancellationToken, bool open = false, int limit = 200)
    {
        var now = time.GetUtcNow();
        var scope = access.ScopeOf(user);
        var incidents = await store.ListAsync(open, Math.Clamp(limit, 1, 1000), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<IncidentView>>([.. incidents.Where(i => access.CanSeeRecord(scope, null, i.RegionId)).Select(i => IncidentView.Of(i, now))]);
    }

    private static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Get(
        string incidentId, IIncidentStore store, ClaimsPrincipal user, AccessControl access, [FromKeyedServices(IncidentsModule.TimeKey)] TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (incident, problem) = await Visible(incidentId, store, user, access, cancellationToken);
        return problem is not null ? problem : TypedResults.Ok(IncidentView.Of(incident!, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<IReadOnlyList<IncidentLedgerEntry>>, ProblemHttpResult>> History(
        string incidentId, IIncidentStore store, ClaimsPrincipal user, AccessControl access, CancellationToken cancellationToken)
    {
        var (_, problem) = await Visible(incidentId, store, user, access, cancellationToken);
        return problem is not null ? problem : TypedResults.Ok(await store.HistoryAsync(incidentId, cancellationToken));
    }

    private static async Task<Results<Ok<ResponseTimeline>, ProblemHttpResult>> Response(
        string incidentId, IIncidentStore store, IAlertStore alerts, ClaimsPrincipal user, AccessControl access, CancellationToken cancellationToken)
    {
        var (incident, problem) = await Visible(incidentId, store, user, access, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var acts = new List<ResponseTimeline.AlertActs>();
        foreach (var alertId in incident!.AlertIds)
        {
            var ledger = await alerts.HistoryAsync(alertId, cancellationToken);
            if (ledger.Count > 0)
            {
                acts.Add(new ResponseTimeline.AlertActs(alertId, ledger[0].At, [.. ledger.Select(l => (l.Action, l.Actor, l.At))]));
            }
        }

        return TypedResults.Ok(ResponseTimeline.Of(incident, acts));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Cap(
        string incidentId, IIncidentStore store, ClaimsPrincipal user, AccessControl access, IOptions<IntegrationOptions> options, CancellationToken cancellationToken)
    {
        var (incident, problem) = await Visible(incidentId, store, user, access, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + IncidentCap.ToXml(incident!, options.Value.CapSender);
        return TypedResults.Content(xml, CapAlert.MediaType, Encoding.UTF8);
    }

    private static Task<Results<Created<IncidentView>, ValidationProblem, ProblemHttpResult>> Open(
        OpenIncidentRequest request, IncidentCommands commands, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        commands.OpenAsync(request, user, cancellationToken);

    private static Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> Figures(
        string incidentId, FiguresRequest request, [AsParameters] IncidentStepServices services) =>
        StepAsync(incidentId, request.Actor, request.Note, services, (incident, errors, now) =>
        {
            var figures = FiguresOf(incident.Figures, request.Deaths, request.SeriouslyInjured, request.Missing, request.DirectLossYuan);
            return IncidentWorkflow.UpdateFigures(incident, figures, request.Actor!.Trim(), now);
        });

    private static Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> Report(
        string incidentId, ReportRequest request, [AsParameters] IncidentStepServices services) =>
        StepAsync(incidentId, request.Actor, null, services, (incident, errors, now) =>
        {
            var kind = EnumQuery.Parse<ReportKind>(request.Kind, nameof(request.Kind), errors);
            var level = EnumQuery.Parse<AdministrativeLevel>(request.Level, nameof(request.Level), errors);
            if (kind is null && !errors.ContainsKey(nameof(request.Kind)))
            {
                errors[nameof(request.Kind)] = ["Say which report this is: first, follow_up or final."];
            }

            if (level is null && !errors.ContainsKey(nameof(request.Level)))
            {
                errors[nameof(request.Level)] = ["Say which level was told: county, city, province or state_council."];
            }

            Text(errors, nameof(request.To), request.To, 200, required: true);
            Text(errors, nameof(request.Content), request.Content, 8000, required: true);
            var given = request.Deaths ?? request.SeriouslyInjured ?? request.Missing ?? request.DirectLossYuan;
            var figures = given is null ? null : FiguresOf(incident.Figures, request.Deaths, request.SeriouslyInjured, request.Missing, request.DirectLossYuan);
            return errors.Count > 0
                ? null
                : IncidentWorkflow.Report(incident, new ReportDraft(kind!.Value, level!.Value, request.Actor!.Trim(), request.To!.Trim(), request.At ?? now,
                    request.Content!.Trim(), figures), now);
        });

    private static async Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> Link(
        string incidentId, LinkRequest request, IncidentCommands commands, [AsParameters] IncidentStepServices services)
    {
        var unknown = await commands.UnknownLinksAsync(request.AlertIds, request.HazardIds, services.Access.ScopeOf(services.User), services.CancellationToken);
        if (unknown.Count > 0)
        {
            return TypedResults.ValidationProblem(unknown);
        }

        return await StepAsync(incidentId, request.Actor, request.Note, services, (incident, errors, now) =>
        {
            var alertIds = Ids(errors, nameof(request.AlertIds), request.AlertIds);
            var hazardIds = Ids(errors, nameof(request.HazardIds), request.HazardIds);
            var units = Ids(errors, nameof(request.Units), request.Units);
            Text(errors, nameof(request.SupervisingBody), request.SupervisingBody, 200, required: false);
            // As when an incident is opened (decision 0049): a drill's alerts join only that drill's incident, real ones
            // only a real one, so a drill can never be linked into a real record (and from there into KPIs and the feed).
            Drills.DrillRecordLinks.CheckLinked(incident.DrillId, alertIds.Select(AlertBook.AssetIdOf), errors, nameof(request.AlertIds));
            if (errors.Count > 0)
            {
                return null;
            }

            var linked = IncidentWorkflow.Link(incident, alertIds, hazardIds, units, now);
            return request.SupervisingBody is { } body ? IncidentWorkflow.SetSupervisingBody(linked.After!, body, now) with { Action = "linked" } : linked;
        });
    }

    private static Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> Close(
        string incidentId, CloseRequest request, [AsParameters] IncidentStepServices services) =>
        StepAsync(incidentId, request.Actor, request.Note, services, (incident, errors, now) =>
        {
            Text(errors, nameof(request.SupervisingBody), request.SupervisingBody, 200, required: false);
            Text(errors, nameof(request.Note), request.Note, 4000, required: true);
            return errors.Count > 0 ? null : IncidentWorkflow.Close(incident, request.SupervisingBody, now);
        });

    private static Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> Review(
        string incidentId, CloseRequest request, [AsParameters] IncidentStepServices services) =>
        StepAsync(incidentId, request.Actor, request.Note, services, (incident, errors, now) =>
        {
            Text(errors, nameof(request.Note), request.Note, 4000, required: true);
            return errors.Count > 0 ? null : IncidentWorkflow.Review(incident, now);
        });

    /// <summary>
    /// Load, decide (pure), write if nobody changed it meanwhile. <paramref name="decide"/> adds to the errors and returns
    /// null for bad input, so a refused request stores nothing.
    /// </summary>
    private static async Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> StepAsync(
        string incidentId, string? actor, string? note, IncidentStepServices services,
        Func<IncidentRecord, Dictionary<string, string[]>, DateTimeOffset, IncidentStepResult?> decide)
    {
        var (store, user, access, time, logger, cancellationToken) = services;
        var errors = new Dictionary<string, string[]>();
        Text(errors, "Actor", actor, 100, required: true);
        Text(errors, "Note", note, 4000, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (incident, problem) = await Visible(incidentId, store, user, access, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var step = decide(incident!, errors, now);
        if (step is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (step.Refusal is not null)
        {
            return step.Refusal == IncidentRefusal.Conflict ? Problems.Conflict("Not now", step.Reason!) : Invalid(step);
        }

        if (!await store.RecordAsync(incident, step.After!, step.Action!, actor!.Trim(), note, now, cancellationToken))
        {
            return Problems.Conflict("Changed meanwhile", "Someone else changed this incident first; reload it and try again.");
        }

        if (step.After!.Grade != incident!.Grade)
        {
            IncidentServerLog.Regraded(logger, incidentId, incident.Grade, step.After.Grade);
        }

        return TypedResults.Ok(IncidentView.Of(step.After, now));
    }

    private static async Task<(IncidentRecord? Incident, ProblemHttpResult? Problem)> Visible(
        string incidentId, IIncidentStore store, ClaimsPrincipal user, AccessControl access, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(incidentId, cancellationToken) is not { } incident)
        {
            return (null, Problems.NotFound("Unknown incident", $"No incident '{incidentId}'."));
        }

        var scope = access.ScopeOf(user);
        return access.CanSeeRecord(scope, null, incident.RegionId) ? (incident, null) : (null, Problems.OutsideRegions("This incident lies", scope));
    }

    internal static ValidationProblem Invalid(IncidentStepResult step) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [step.Field ?? "request"] = [step.Reason!] });

    /// <summary>The figures given over the current ones; the domain refuses negative ones (with the field named).</summary>
    internal static IncidentFigures FiguresOf(IncidentFigures current, int? deaths, int? injured, int? missing, long? lossYuan) =>
        new(deaths ?? current.Deaths, injured ?? current.SeriouslyInjured, missing ?? current.Missing, lossYuan ?? current.DirectLossYuan);

    internal static IReadOnlyList<string> Ids(Dictionary<string, string[]> errors, string name, IReadOnlyList<string>? ids)
    {
        if (ids is null)
        {
            return [];
        }

        if (ids.Count > 100 || ids.Any(id => string.IsNullOrWhiteSpace(id) || id.Length > 200))
        {
            errors[name] = ["At most 100 ids, each 1-200 characters."];
            return [];
        }

        return [.. ids.Select(id => id.Trim()).Distinct(StringComparer.Ordinal)];
    }

    internal static void Text(Dictionary<string, string[]> errors, string name, string? value, int maxLength, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors[name] = [$"{name} is required."];
        }
        else if (value is not null && value.Length > maxLength)
        {
            errors[name] = [$"{name} is at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters."];
        }
    }

    internal static string NewId(DateTimeOffset now) =>
        $"inc-{now.UtcDateTime:yyyyMMddHHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
}

/// <summary>
/// What every incident step takes besides its own input, bound as one parameter (<c>[AsParameters]</c>): the store, the
/// caller, and the incident clocks' time (a test may move it without moving the rest of the server).
/// </summary>
internal readonly record struct IncidentStepServices(
    IIncidentStore Store, ClaimsPrincipal User, AccessControl Access, [FromKeyedServices(IncidentsModule.TimeKey)] TimeProvider Time,
    ILogger<IncidentClockWatcher> Logger, CancellationToken CancellationToken);

internal sealed record OpenIncidentRequest(
    string? Actor, string? Title = null, string? Type = null, string? Place = null, string? RegionId = null, IReadOnlyList<string>? Units = null,
    DateTimeOffset? OccurredAt = null, DateTimeOffset? KnownAt = null, int? Deaths = null, int? SeriouslyInjured = null, int? Missing = null,
    long? DirectLossYuan = null, IReadOnlyList<string>? AlertIds = null, string? GroupId = null, IReadOnlyList<string>? HazardIds = null,
    string? SupervisingBody = null, bool Exercise = false, string? Note = null, string? DrillId = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record FiguresRequest(
    string? Actor, int? Deaths = null, int? SeriouslyInjured = null, int? Missing = null, long? DirectLossYuan = null, string? Note = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <param name="At">When the report was made; now when not given.</param>
internal sealed record ReportRequest(
    string? Actor, string? Kind, string? Level, string? To, string? Content, DateTimeOffset? At = null,
    int? Deaths = null, int? SeriouslyInjured = null, int? Missing = null, long? DirectLossYuan = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record LinkRequest(
    string? Actor, IReadOnlyList<string>? AlertIds = null, IReadOnlyList<string>? HazardIds = null, IReadOnlyList<string>? Units = null,
    string? SupervisingBody = null, string? Note = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

internal sealed record CloseRequest(string? Actor, string? Note = null, string? SupervisingBody = null) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Actor = actor };
}

/// <summary>
/// An incident as the API shows it: the record, its grade in Chinese, and every clock at <see cref="At"/> (the server's
/// time of the request, which a page counts down from rather than from its own clock).
/// </summary>
internal sealed record IncidentView(
    IncidentRecord Incident, string GradeLabel, IReadOnlyList<LadderClock> Clocks, bool Late, bool SupervisionMissing, bool ReviewOverdue, bool Exercise,
    DateTimeOffset At)
{
    public static IncidentView Of(IncidentRecord incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var clocks = ReportingLadder.Clocks(incident, now);
        return new IncidentView(
            incident, IncidentGrading.Label(incident.Grade), clocks,
            clocks.Any(c => c.Late) || incident.Marks.Any(m => m.Status == LadderClockStatus.Overdue),
            incident.ListedSupervision && incident.SupervisingBody is null,
            incident.Status == IncidentStatus.Closed && incident.ReviewDueAt < now,
            incident.Exercise,
            now);
    }
}
