using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.History;

namespace RiskMonitor.Server.Reports;

/// <summary>Reports behind the risk white paper (issue 6, item 6).</summary>
internal static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder routes)
    {
        var reports = routes.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.CityWide);
        reports.MapGet("/risk-snapshot", RiskSnapshot).WithName("GetRiskSnapshot")
            .WithSummary("Counts per colour by district and by industry, both layers, now or at a past time (at=RFC 3339 or Unix ms); format=json|csv.")
            .Produces<RiskSnapshotJson>()
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return routes;
    }

    private static async Task<Results<Ok<RiskSnapshotJson>, FileContentHttpResult, ValidationProblem>> RiskSnapshot(
        RegionMap map, IAssetLevelHistory history, TimeProvider time, CancellationToken cancellationToken, string? at = null, string? format = null)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var moment = now;
        if (at is not null && !TryParseMoment(at, out moment))
        {
            errors["at"] = ["Give a time as RFC 3339 with an offset (2026-11-25T12:00:00.000Z) or as Unix milliseconds."];
        }
        else if (moment > now)
        {
            errors["at"] = ["The snapshot cannot be in the future."];
        }

        var csv = format?.ToLowerInvariant() switch
        {
            null or "json" => false,
            "csv" => true,
            _ => (bool?)null,
        };
        if (csv is null)
        {
            errors["format"] = ["Use json or csv."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var levels = await history.LevelsAtAsync(moment, cancellationToken);
        var snapshot = RiskMonitor.Domain.Regions.RiskSnapshot.Compute(map, levels.Levels);
        var json = RiskSnapshotJson.From(snapshot, moment, time.GetUtcNow(), levels.Complete, history.GetStats());
        if (csv == true)
        {
            var name = "risk-snapshot-" + moment.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".csv";
            return TypedResults.File(RiskSnapshotCsv.Write(json), "text/csv; charset=utf-8", name);
        }

        return TypedResults.Ok(json);
    }

    private static bool TryParseMoment(string text, out DateTimeOffset moment)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 253_402_300_799_999)
        {
            moment = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        // An offset is required: a local time without one would mean a different moment on every server.
        var ok = DateTimeOffset.TryParseExact(
            text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out moment);
        return ok && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10);
    }
}
