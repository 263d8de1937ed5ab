using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>Circulars and periodic reports (通报, 形势分析; issue 20 item 6) on demand, in four formats.</summary>
public static class CircularEndpoints
{
    public static IEndpointRouteBuilder MapCircularEndpoints(this IEndpointRouteBuilder routes)
    {
        // Viewers may read it: a scoped account gets the circular of its own regions (the figures are filtered, not refused).
        routes.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.View)
            .MapGet("/circular", Get).WithName("GetCircular")
            .WithSummary("The circular of the daily|weekly|monthly|quarterly period containing date (local, default today): totals, rankings by owner unit, regulator, district and street, change against the period before; format=json|html|pdf|xlsx.")
            .Produces<CircularReport>()
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf");
        routes.MapHandoverEndpoints();
        return routes;
    }

    private static async Task<Results<Ok<CircularReport>, FileContentHttpResult, ContentHttpResult, ValidationProblem>> Get(
        HttpContext http, CircularSource source, AccessControl access, IOptions<CircularOptions> options, TimeProvider time, CancellationToken cancellationToken,
        string? period = null, string? date = null, string? format = null)
    {
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

        var report = await source.BuildAsync(kind, day, access.ScopeOf(http.User).Regions, cancellationToken);
        var title = Circular.Title(kind, report.From, offset);
        var name = FileName(kind, report.From, offset);
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

    /// <summary><c>circular-monthly-2026-12</c>: the period kind and its first local day.</summary>
    public static string FileName(CircularPeriod kind, DateTimeOffset from, TimeSpan offset) =>
        "circular-" + kind.ToString().ToLowerInvariant() + "-" + from.ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
