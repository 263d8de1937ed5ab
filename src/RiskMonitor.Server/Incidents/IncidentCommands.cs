using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// Opening an incident record: from scratch, from alerts, or from the current grouping of the alert read model; the
/// alerts promoted get a line in their ledger. The alerts and hazards an incident names must exist and be the caller's
/// to see (<see cref="UnknownLinksAsync"/>), when it is opened and when more are linked. Talks to the stores, the read model, the registry and
/// <see cref="ICallerAccess"/>, so it is tested without a database. The logger keeps the category the handler logged
/// under (<see cref="IncidentClockWatcher"/>), so log filters set for it still apply.
/// </summary>
internal sealed class IncidentCommands(
    IIncidentStore store, IAlertStore alerts, IHazardStore hazards, AlertReadModel board, IAssetRegistry registry, ICallerAccess access, IDrillStore drills,
    [FromKeyedServices(IncidentsModule.TimeKey)] TimeProvider time, ILogger<IncidentClockWatcher> logger)
{
    public async Task<Results<Created<IncidentView>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        OpenIncidentRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = await Drills.DrillRecordLinks.CheckAsync(drills, request.DrillId, nameof(request.DrillId), cancellationToken);
        IncidentEndpoints.Text(errors, nameof(request.Actor), request.Actor, 100, required: true);
        IncidentEndpoints.Text(errors, nameof(request.Title), request.Title, 500, required: false);
        IncidentEndpoints.Text(errors, nameof(request.Type), request.Type, 100, required: false);
        IncidentEndpoints.Text(errors, nameof(request.Place), request.Place, 500, required: false);
        IncidentEndpoints.Text(errors, nameof(request.SupervisingBody), request.SupervisingBody, 200, required: false);
        IncidentEndpoints.Text(errors, nameof(request.Note), request.Note, 4000, required: false);
        var figures = IncidentEndpoints.FiguresOf(IncidentFigures.None, request.Deaths, request.SeriouslyInjured, request.Missing, request.DirectLossYuan);
        var hazardIds = IncidentEndpoints.Ids(errors, nameof(request.HazardIds), request.HazardIds);
        var units = IncidentEndpoints.Ids(errors, nameof(request.Units), request.Units);
        var alertIds = new List<string>(IncidentEndpoints.Ids(errors, nameof(request.AlertIds), request.AlertIds));
        var scope = access.ScopeOf(user);
        if (request.GroupId is { } groupId)
        {
            // The current grouping is computed per call (GET /api/incidents); promoting it takes its alerts as they stand now.
            var group = CurrentGrouping.Compute(board, registry, a => access.CanSeeAsset(scope, a.AssetId))
                .FirstOrDefault(g => g.IncidentId == groupId);
            if (group is null)
            {
                errors[nameof(request.GroupId)] = [$"No current grouping '{groupId}' (GET /api/incidents lists them)."];
            }
            else
            {
                alertIds.AddRange(group.Alerts.Select(a => a.AlertId).Where(id => !alertIds.Contains(id)));
            }
        }

        var promoted = new List<Contracts.Alerts.AlertView>();
        foreach (var alertId in alertIds)
        {
            if (await alerts.FindAsync(alertId, cancellationToken) is { } alert)
            {
                promoted.Add(alert);
            }
            else
            {
                errors[nameof(request.AlertIds)] = [$"No alert '{alertId}'."];
            }
        }

        foreach (var (field, problem) in await UnknownLinksAsync([], hazardIds, scope, cancellationToken))
        {
            errors[field] = problem;
        }

        // Alerts of a drill make the incident the drill's (decision 0049); a drill's alerts and real ones are never one incident.
        var drillId = Drills.DrillRecordLinks.DrillOf(request.DrillId, promoted.Select(a => a.AssetId), errors, nameof(request.AlertIds));
        if (promoted.Count == 0 && string.IsNullOrWhiteSpace(request.Title))
        {
            errors[nameof(request.Title)] = ["Give the incident a title, or promote alerts into it."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var first = promoted.OrderBy(a => a.RaisedAt).FirstOrDefault();
        var regionId = request.RegionId ?? first?.RegionId;
        if (!access.CanSeeRecord(scope, first?.AssetId, regionId) || !promoted.All(a => access.CanSeeAsset(scope, a.AssetId)))
        {
            return Problems.OutsideRegions("The incident's region lies", scope);
        }

        var now = time.GetUtcNow();
        // Without a time given, the unit knew when its first alert was raised: the 1 h clock runs from then, not from
        // whenever the duty room got round to recording it.
        var occurredAt = request.OccurredAt ?? first?.RaisedAt ?? now;
        var draft = new IncidentDraft(
            string.IsNullOrWhiteSpace(request.Title) ? $"{first!.AssetName}: {first.Message}" : request.Title.Trim(),
            string.IsNullOrWhiteSpace(request.Type) ? first?.Industry ?? "other" : request.Type.Trim(), request.Place?.Trim(),
            regionId, units, occurredAt, request.KnownAt ?? occurredAt, figures,
            [.. promoted.Select(a => a.AlertId)], hazardIds, request.SupervisingBody?.Trim(), request.Exercise || drillId is not null);
        var step = IncidentWorkflow.Open(IncidentEndpoints.NewId(now), draft, now);
        if (step.Refusal is not null)
        {
            return step.Refusal == IncidentRefusal.Conflict ? Problems.Conflict("Not now", step.Reason!) : IncidentEndpoints.Invalid(step);
        }

        var incident = step.After! with { DrillId = drillId };
        await store.RecordAsync(null, incident, step.Action!, request.Actor!.Trim(), request.Note, now, cancellationToken);
        foreach (var alert in promoted)
        {
            await alerts.AppendAsync(alert.AlertId, IncidentEndpoints.AlertPromotedAction, request.Actor.Trim(), $"incident {incident.IncidentId}", now, cancellationToken);
        }

        IncidentServerLog.Opened(logger, incident.IncidentId, incident.Grade, request.Actor.Trim());
        return TypedResults.Created($"{IncidentEndpoints.Path}/{incident.IncidentId}", IncidentView.Of(incident, now));
    }

    /// <summary>
    /// The alert and hazard ids among <paramref name="alertIds"/> and <paramref name="hazardIds"/> that name nothing the
    /// caller may see, as validation errors (empty when all are known). A link to a record that does not exist would be
    /// a dangling reference in a legal record; one outside the caller's regions is reported the same way, so that ids
    /// cannot be probed. Malformed lists are left to <see cref="IncidentEndpoints.Ids"/>.
    /// </summary>
    public async Task<Dictionary<string, string[]>> UnknownLinksAsync(
        IReadOnlyList<string>? alertIds, IReadOnlyList<string>? hazardIds, RegionScope scope, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var unknownAlerts = new List<string>();
        foreach (var id in Named(alertIds))
        {
            if (await alerts.FindAsync(id, cancellationToken) is not { } alert || !access.CanSeeAsset(scope, alert.AssetId))
            {
                unknownAlerts.Add(id);
            }
        }

        var unknownHazards = new List<string>();
        foreach (var id in Named(hazardIds))
        {
            if (await hazards.FindAsync(id, cancellationToken) is not { } hazard || !access.CanSeeRecord(scope, hazard.AssetId, hazard.RegionId))
            {
                unknownHazards.Add(id);
            }
        }

        if (unknownAlerts.Count > 0)
        {
            errors["AlertIds"] = [$"No alert {string.Join(", ", unknownAlerts.Select(id => $"'{id}'"))}."];
        }

        if (unknownHazards.Count > 0)
        {
            errors["HazardIds"] = [$"No hazard {string.Join(", ", unknownHazards.Select(id => $"'{id}'"))}."];
        }

        return errors;
    }

    private static IEnumerable<string> Named(IReadOnlyList<string>? ids) =>
        ids is null || ids.Count > 100 ? [] : ids.Where(id => !string.IsNullOrWhiteSpace(id) && id.Length <= 200).Select(id => id.Trim()).Distinct(StringComparer.Ordinal);
}
