using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// The 12350 tip line's intake (<c>POST /api/hazards/tip-line</c>): checks the bounded fields of a public report, places
/// it on the region map (coordinates, else a region the caller named, else the address), sorts it to its department,
/// opens a general hazard and keeps the caller's record apart with a fresh reference. Talks to the two stores, the
/// routing and the map only, so each refusal and the intake itself are tested without a database.
/// </summary>
/// <remarks>
/// Transient, because <see cref="RegionMap"/> resolves to the map in force at the time (decision 0053). Logs under
/// <c>ILogger&lt;TipLineRequest&gt;</c>, the category the handler used, so log filters keep working.
/// </remarks>
internal sealed class TipLineCommands(
    IHazardStore store, ITipLineStore tips, TipRouting routing, RegionMap map, TimeProvider time, ILogger<TipLineRequest> logger)
{
    /// <summary>Who the hazard and its first ledger line name as the reporter: the line, never the caller.</summary>
    public const string Reporter = "12350";

    public async Task<Results<Created<TipReceipt>, ValidationProblem>> ReceiveAsync(TipLineRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Check(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The caller's contact goes to the tip record alone (supervisors only): not into the hazard, its ledger note,
        // the feed event or any answer (docs/decisions/0038). What the caller said about the place stays with the hazard.
        var now = time.GetUtcNow();
        var category = string.IsNullOrWhiteSpace(request.Category) ? request.Industry?.Trim() : request.Category.Trim();
        var placed = TipPlacement.Place(map.Index, request.Longitude, request.Latitude, request.Location);
        var (regionId, placement) = placed.Source != TipPlacementSource.Coordinates && request.RegionId is { } given && map.IsKnown(given)
            ? (given, "given")
            : (placed.RegionId, HazardFields.Name(placed.Source));
        var department = routing.DepartmentFor(category);
        var hazard = new Hazard(HazardFields.NewId(now), HazardLevel.General, HazardSource.TipLine, HazardStatus.Reported, request.Description!.Trim(),
            null, regionId, category, request.Location, null, null, null, null, Reporter, now, now)
        {
            Longitude = request.Longitude,
            Latitude = request.Latitude,
            Category = category,
            Department = department,
        };
        await store.RecordAsync(null, hazard, "reported", Reporter, $"tip sorted to {department}", now, cancellationToken);
        var reference = TipReference.From(RandomNumberGenerator.GetBytes(TipReference.Length));
        await tips.AddAsync(new TipRecord(reference, hazard.HazardId, NullIfBlank(request.Contact), category, department, placement, now), cancellationToken);
        HazardServerLog.TipReceived(logger, reference, hazard.HazardId, department, placement);
        return TypedResults.Created($"/api/hazards/tip-line/{reference}", new TipReceipt(reference, hazard.HazardId, department, regionId, placement));
    }

    private static Dictionary<string, string[]> Check(TipLineRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        HazardFields.Require(errors, nameof(request.Description), request.Description, 4000);
        // The tip line is public: every field it stores has a bound (issue 24 row 8).
        HazardFields.Limit(errors, nameof(request.Location), request.Location, 500);
        HazardFields.Limit(errors, nameof(request.Contact), request.Contact, 200);
        HazardFields.Limit(errors, nameof(request.RegionId), request.RegionId, 100);
        HazardFields.Limit(errors, nameof(request.Industry), request.Industry, 100);
        HazardFields.Limit(errors, nameof(request.Category), request.Category, 100);
        if (request.Longitude is null != request.Latitude is null)
        {
            errors[nameof(request.Longitude)] = ["Give both longitude and latitude, or neither."];
        }
        else if (request.Longitude is { } lon && request.Latitude is { } lat && !(lon is >= -180 and <= 180 && lat is >= -90 and <= 90))
        {
            errors[nameof(request.Longitude)] = ["Longitude lies in -180..180 and latitude in -90..90 (WGS84 degrees)."];
        }

        return errors;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
