using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>The query of <c>GET /api/reports/circular</c>, as it arrives in the query string.</summary>
internal sealed record CircularRequest(string? Period = null, string? Date = null, string? Format = null);

/// <summary>
/// A circular on demand: reads the period, the local day and the format, builds the report for the caller's regions
/// (a scoped reader gets its own regions' figures) and renders it. Talks to <see cref="CircularSource"/> (the stores
/// behind it) and <see cref="ICallerAccess"/>, so it is tested with in-memory stores.
/// </summary>
internal sealed class CircularQueries(CircularSource source, ICallerAccess access, IOptions<CircularOptions> options, TimeProvider time)
{
    public async Task<Results<Ok<CircularReport>, FileContentHttpResult, ContentHttpResult, ValidationProblem>> GetAsync(
        CircularRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (period, date, format) = (request.Period, request.Date, request.Format);
        var errors = new Dictionary<string, string[]>();
        CircularPeriod kind = CircularPeriod.Monthly;
        if (period is not null && (!Enum.TryParse(period, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(period, out _)))
        {
            errors["period"] = ["One of daily, weekly, monthly (the default), quarterly."];
        }

        var offset = source.UtcOffset;
        var day = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(offset).DateTime);
        if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            errors["date"] = ["A local date, yyyy-MM-dd."];
        }

        var rendering = (format ?? "json").ToLowerInvariant();
        if (rendering is not ("json" or "html" or "pdf" or "xlsx"))
        {
            errors["format"] = ["One of json, html, pdf, xlsx."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var report = await source.BuildAsync(kind, day, access.ScopeOf(user).Regions, cancellationToken);
        var title = Circular.Title(kind, report.From, offset);
        var name = CircularEndpoints.FileName(kind, report.From, offset);
        switch (rendering)
        {
            case "html":
                return TypedResults.Content(CircularHtml.Write(report, title, offset), "text/html; charset=utf-8");
            case "pdf":
                CircularFontResolver.EnsureInstalled(options.Value.FontPath);
                return TypedResults.File(CircularPdf.Write(report, title, offset), "application/pdf", name + ".pdf");
            case "xlsx":
                return TypedResults.File(CircularXlsx.Write(report, title, offset), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
            default:
                return TypedResults.Ok(report);
        }
    }
}
