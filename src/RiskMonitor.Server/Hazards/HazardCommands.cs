using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Drills;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// Opening a hazard: reported by inspection (or another source) in the caller's regions, or opened from an alert, whose
/// asset, region, industry and drill carry over and whose ledger gets a line. Talks to the stores, the registry and
/// <see cref="ICallerAccess"/> only, so each refusal is tested without a database. (The tip line has its own class,
/// <see cref="TipLineCommands"/>.)
/// </summary>
internal sealed class HazardCommands(
    IHazardStore store, IAlertStore alerts, IDrillStore drills, IAssetRegistry registry, ICallerAccess access, TimeProvider time)
{
    /// <summary>The line an alert's ledger gets when a hazard is opened from it.</summary>
    public const string HazardOpenedAction = "hazard_opened";

    /// <summary><c>POST /api/hazards</c>.</summary>
    public async Task<Results<Created<HazardView>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        HazardReportRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = await DrillRecordLinks.CheckAsync(drills, request.DrillId, nameof(request.DrillId), cancellationToken);
        HazardFields.Require(errors, nameof(request.Actor), request.Actor, 100);
        HazardFields.Require(errors, nameof(request.Description), request.Description, 4000);
        if (request.AssetId is { } assetId && !registry.TryGet(assetId, out _))
        {
            errors[nameof(request.AssetId)] = [$"No asset '{assetId}' in the registry."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        registry.TryGet(request.AssetId ?? "", out var asset);
        // A scoped officer reports in their own regions: a hazard they could not see afterwards is one nobody follows up.
        var scope = access.ScopeOf(user);
        if (!access.CanSeeRecord(scope, asset?.Id, request.RegionId ?? asset?.RegionId))
        {
            return Problems.OutsideRegions("The hazard's asset or region lies", scope);
        }

        var now = time.GetUtcNow();
        var hazard = new Hazard(
            HazardFields.NewId(now), request.Level ?? HazardLevel.General, request.Source ?? HazardSource.Inspection, HazardStatus.Reported,
            request.Description!.Trim(), asset?.Id, request.RegionId ?? asset?.RegionId, request.Industry ?? asset?.Industry, request.Location,
            request.ResponsibleUnit, request.SupervisingDepartment, request.Deadline, null, request.Actor!.Trim(), now, now)
        {
            DrillId = request.DrillId,
        };
        await store.RecordAsync(null, hazard, "reported", hazard.ReportedBy, request.Note, now, cancellationToken);
        return TypedResults.Created($"/api/hazards/{hazard.HazardId}", HazardView.Of(hazard, now));
    }

    /// <summary><c>POST /api/alerts/{alertId}/hazard</c>.</summary>
    public async Task<Results<Created<HazardView>, ValidationProblem, ProblemHttpResult>> FromAlertAsync(
        string alertId, HazardReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        HazardFields.Require(errors, nameof(request.Actor), request.Actor, 100);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await alerts.FindAsync(alertId, cancellationToken) is not { } alert)
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var now = time.GetUtcNow();
        var hazard = new Hazard(HazardFields.NewId(now), request.Level ?? HazardLevel.General, HazardSource.Alert, HazardStatus.Reported,
            string.IsNullOrWhiteSpace(request.Description) ? $"{alert.AssetName}: {alert.Message}" : request.Description.Trim(),
            alert.AssetId, alert.RegionId, alert.Industry, request.Location, request.ResponsibleUnit, request.SupervisingDepartment, request.Deadline,
            alert.AlertId, request.Actor!.Trim(), now, now)
        {
            DrillId = DrillKey.DrillOf(alert.AssetId), // a drill alert's hazard is the drill's
        };
        await store.RecordAsync(null, hazard, "reported", hazard.ReportedBy, request.Note ?? $"from alert {alertId}", now, cancellationToken);
        await alerts.AppendAsync(alertId, HazardOpenedAction, hazard.ReportedBy, $"hazard {hazard.HazardId} opened", now, cancellationToken);
        return TypedResults.Created($"/api/hazards/{hazard.HazardId}", HazardView.Of(hazard, now));
    }
}
