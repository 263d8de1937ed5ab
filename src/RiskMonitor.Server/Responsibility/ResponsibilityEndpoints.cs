using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>
/// The responsibility chain over REST (issue 20): organisations and asset parties (supervisors and admins write,
/// validated, versioned, audited); each alert's parties; the rescue of an entrapment; the rescue KPIs per unit; and the
/// unit pages' own API, where a <c>unit</c> account sees and acts on its organisation's alerts only.
/// </summary>
internal static class ResponsibilityEndpoints
{
    public static RouteGroupBuilder MapResponsibilityEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var organisations = api.MapGroup("/api/organisations").WithTags("Responsibility");
        organisations.MapGet("/", ListOrganisations).WithName("ListOrganisations");
        organisations.MapGet("/{organisationId}", GetOrganisation).WithName("GetOrganisation");
        organisations.MapPost("/", CreateOrganisation).WithName("CreateOrganisation").RequireAuthorization(Policies.Supervise);
        organisations.MapPut("/{organisationId}", UpdateOrganisation).WithName("UpdateOrganisation").RequireAuthorization(Policies.Supervise);

        api.MapGet("/api/assets/{assetId}/parties", GetParties).WithTags("Responsibility").WithName("GetAssetParties");
        api.MapPut("/api/assets/{assetId}/parties", SetParties).WithTags("Responsibility").WithName("SetAssetParties").RequireAuthorization(Policies.Supervise);
        api.MapGet("/api/alerts/{alertId}/parties", GetCase).WithTags("Responsibility").WithName("GetAlertParties");

        var rescues = api.MapGroup("/api/rescues").WithTags("Responsibility");
        rescues.MapPost("/{alertId}/arrival", (string alertId, ClaimsPrincipal user, RescueCommands rescue) => rescue.ActAsync(alertId, PartyAct.Arrive, user))
            .WithName("RecordRescueArrival").RequireAuthorization(Policies.Operate);
        rescues.MapPost("/{alertId}/release", (string alertId, ClaimsPrincipal user, RescueCommands rescue) => rescue.ActAsync(alertId, PartyAct.Release, user))
            .WithName("RecordRescueRelease").RequireAuthorization(Policies.Operate);
        rescues.MapGet("/kpis", RescueKpisAsync).WithName("GetRescueKpis").RequireAuthorization(Policies.CityWide);

        var unit = api.MapGroup("/api/unit").WithTags("Responsibility").RequireAuthorization(Policies.Unit);
        unit.MapGet("/me", UnitMe).WithName("GetUnitOrganisation");
        unit.MapGet("/alerts", UnitAlerts).WithName("ListUnitAlerts");
        unit.MapGet("/kpis", RescueKpiQuery.UnitAsync).WithName("GetUnitKpis");
        unit.MapPost("/alerts/{alertId}/acknowledge", (string alertId, ClaimsPrincipal user, RescueCommands rescue, CancellationToken ct) =>
            rescue.UnitActAsync(alertId, PartyAct.Acknowledge, user, ct)).WithName("UnitAcknowledge");
        unit.MapPost("/alerts/{alertId}/arrival", (string alertId, ClaimsPrincipal user, RescueCommands rescue, CancellationToken ct) =>
            rescue.UnitActAsync(alertId, PartyAct.Arrive, user, ct)).WithName("UnitRecordArrival");
        unit.MapPost("/alerts/{alertId}/release", (string alertId, ClaimsPrincipal user, RescueCommands rescue, CancellationToken ct) =>
            rescue.UnitActAsync(alertId, PartyAct.Release, user, ct)).WithName("UnitRecordRelease");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<Organisation>>> ListOrganisations(IResponsibilityStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListOrganisationsAsync(ct));

    private static async Task<Results<Ok<Organisation>, ProblemHttpResult>> GetOrganisation(string organisationId, IResponsibilityStore store, CancellationToken ct) =>
        await store.FindOrganisationAsync(organisationId, ct) is { } found ? TypedResults.Ok(found) : Problems.NotFound("Unknown organisation", $"No organisation '{organisationId}'.");

    private static Task<Results<Created<Organisation>, Ok<Organisation>, ValidationProblem, ProblemHttpResult>> CreateOrganisation(
        OrganisationRequest request, ClaimsPrincipal user, ResponsibilityCommands commands, CancellationToken ct) =>
        commands.SaveOrganisationAsync(request?.Id, request, null, user, ct);

    private static Task<Results<Created<Organisation>, Ok<Organisation>, ValidationProblem, ProblemHttpResult>> UpdateOrganisation(
        string organisationId, OrganisationRequest request, ClaimsPrincipal user, ResponsibilityCommands commands, CancellationToken ct)
    {
        if (request?.Version is null)
        {
            return Task.FromResult<Results<Created<Organisation>, Ok<Organisation>, ValidationProblem, ProblemHttpResult>>(
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["Name the version you are changing (from GET)."] }));
        }

        return commands.SaveOrganisationAsync(organisationId, request, request.Version, user, ct);
    }

    private static async Task<Results<Ok<AssetParties>, ProblemHttpResult>> GetParties(string assetId, IResponsibilityStore store, CancellationToken ct) =>
        await store.FindPartiesAsync(assetId, ct) is { } parties ? TypedResults.Ok(parties) : Problems.NotFound("No parties on record", $"Asset '{assetId}' names no parties.");

    private static Task<Results<Ok<AssetParties>, ValidationProblem, ProblemHttpResult>> SetParties(
        string assetId, AssetPartiesRequest request, ClaimsPrincipal user, ResponsibilityCommands commands, CancellationToken ct) =>
        commands.SetPartiesAsync(assetId, request, user, ct);

    private static async Task<Results<Ok<PartyCase>, ProblemHttpResult>> GetCase(string alertId, IPartyCaseStore cases, CancellationToken ct) =>
        await cases.FindAsync(alertId, ct) is { } found ? TypedResults.Ok(found) : Problems.NotFound("Not routed", $"Alert '{alertId}' was routed to no party.");

    private static async Task<Results<Ok<RescueKpiReport>, ValidationProblem>> RescueKpisAsync(
        DateTimeOffset? from, DateTimeOffset? to, IPartyCaseStore cases, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!RescueKpiQuery.TryPeriod(from, to, now, out var start, out var end, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(new RescueKpiReport(start, end, await RescueKpiQuery.ComputeAsync(cases, start, end, now, null, ct)));
    }

    private static async Task<Results<Ok<Organisation>, ProblemHttpResult>> UnitMe(ClaimsPrincipal user, UnitQueries unit, CancellationToken ct) =>
        await unit.OrganisationOfAsync(user, ct) is { } organisation ? TypedResults.Ok(organisation) : NoOrganisation(user);

    private static async Task<Results<Ok<IReadOnlyList<UnitAlert>>, ProblemHttpResult>> UnitAlerts(ClaimsPrincipal user, UnitQueries unit, CancellationToken ct) =>
        await unit.AlertsAsync(user, ct) is { } alerts ? TypedResults.Ok(alerts) : NoOrganisation(user);

    private static ProblemHttpResult NoOrganisation(ClaimsPrincipal user) => RescueCommands.NoOrganisation(user);
}

/// <summary>An organisation as sent: nullable members, so a missing one is a field error rather than a binding failure.</summary>
internal sealed record OrganisationRequest(
    string? Id, string? Name, OrganisationKind? Kind, string? Industry, string? CreditCode, IReadOnlyList<PersonRequest>? People, bool Retired = false, int? Version = null)
{
    public Organisation ToOrganisation(string id) => new(
        id.Trim(), Name?.Trim() ?? "", Kind ?? (OrganisationKind)(-1), string.IsNullOrWhiteSpace(Industry) ? null : Industry.Trim(),
        string.IsNullOrWhiteSpace(CreditCode) ? null : CreditCode.Trim().ToUpperInvariant(),
        People is null ? [] : [.. People.Select(p => p.ToPerson())], Version ?? 0, Retired);
}

internal sealed record PersonRequest(string? Name, string? Role, string? Phone, string? Email, string? Account)
{
    public Person ToPerson() => new(Name?.Trim() ?? "", Role?.Trim() ?? "", Phone, Email, string.IsNullOrWhiteSpace(Account) ? null : Account.Trim());
}

/// <param name="Version">The version being replaced; none to set an asset's parties for the first time.</param>
internal sealed record AssetPartiesRequest(string? OwnerUnitId, string? MaintenanceUnitId, string? RegulatorId, IReadOnlyList<PersonRequest>? Guarantors, int? Version = null);

/// <summary>An alert on a unit's page: the alert, what is due from this unit, and its rescue when it is this unit's.</summary>
internal sealed record UnitAlert(AlertView Alert, IReadOnlyList<PartyDuty> Duties, Rescue? Rescue);

internal sealed record RescueKpiReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UnitRescueKpi> Units);
