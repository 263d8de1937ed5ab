using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>Circulars and periodic reports (通报, 形势分析; issue 20 item 6) on demand, in four formats.</summary>
internal static class CircularEndpoints
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

    private static Task<Results<Ok<CircularReport>, FileContentHttpResult, ContentHttpResult, ValidationProblem>> Get(
        CircularQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken, string? period = null, string? date = null, string? format = null) =>
        queries.GetAsync(new CircularRequest(period, date, format), user, cancellationToken);

    /// <summary><c>circular-monthly-2026-12</c>: the period kind and its first local day.</summary>
    public static string FileName(CircularPeriod kind, DateTimeOffset from, TimeSpan offset) =>
        "circular-" + kind.ToString().ToLowerInvariant() + "-" + from.ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
