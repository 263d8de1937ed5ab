using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Kpis;

/// <summary>
/// <c>GET /api/kpis/hourly</c>: the wall's time panels (issue 23, decision 0044) computed from the alert ledger in
/// PostgreSQL: alerts per hour over the last 24 h by severity and the time to acknowledge today against the week. Unlike
/// <c>GET /api/kpis</c> a region-scoped account may read it: it then counts the alerts in its regions only.
/// </summary>
internal static class HourlyKpiEndpoints
{
    public static IEndpointRouteBuilder MapHourlyKpiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/kpis/hourly", Get).WithTags("KPIs").WithName("GetHourlyKpis").RequireAuthorization(Policies.View)
            .WithSummary("Alerts raised per local hour over the 24 hours ending with the current one, by severity, and the median/p90 time to acknowledge of today's alerts against the last 7 local days'; a region-scoped account's figures cover its regions.");
        return routes;
    }

    private static Task<Results<Ok<HourlyKpiView>, ValidationProblem>> Get(
        KpiQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken, string? utcOffset = null) =>
        queries.HourlyAsync(utcOffset, user, cancellationToken);
}

/// <summary>The hourly KPIs as JSON: 24 hours oldest first (<c>hour</c> = its start, UTC), durations in seconds.</summary>
internal sealed record HourlyKpiView(
    DateTimeOffset At,
    string UtcOffset,
    bool CityWide,
    IReadOnlyList<KpiHour> PerHour,
    DateTimeOffset TodayFrom,
    DateTimeOffset WeekFrom,
    KpiDuration AcknowledgeToday,
    KpiDuration AcknowledgeWeek)
{
    public static HourlyKpiView Of(HourlyKpiReport report, bool cityWide)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.At.ToUniversalTime(), KpiEndpoints.FormatUtcOffset(report.UtcOffset), cityWide,
            [.. report.PerHour.Select(h => new KpiHour(h.Hour.ToUniversalTime(), h.Total,
                h.BySeverity[WarningLevel.Red], h.BySeverity[WarningLevel.Orange], h.BySeverity[WarningLevel.Yellow], h.BySeverity[WarningLevel.Blue]))],
            report.TodayFrom.ToUniversalTime(), report.WeekFrom.ToUniversalTime(),
            KpiDuration.From(report.AcknowledgeToday), KpiDuration.From(report.AcknowledgeWeek));
    }
}

internal sealed record KpiHour(DateTimeOffset Hour, int Total, int Red, int Orange, int Yellow, int Blue);
