using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Kpis;

/// <summary>The closed loop's KPIs (issue 7), computed from the alert ledger and the hazard ledger on each call.</summary>
internal static class KpiEndpoints
{
    /// <summary>The platform's city keeps local days in China Standard Time unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultUtcOffset = TimeSpan.FromHours(8);

    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static RouteGroupBuilder MapKpiEndpoints(this IEndpointRouteBuilder routes)
    {
        var kpis = routes.MapGroup("/api/kpis").WithTags("KPIs").RequireAuthorization(Policies.CityWide);
        kpis.MapGet("/", Get).WithName("GetKpis")
            .WithSummary("Alerts per local day by severity, share closed as false alarm, median/p90 time to acknowledge and to close, escalations fired (all of the alerts raised in [from, to); default the last 7 local days), hazards overdue now, and the entrapment rescues reported in the period per maintenance unit.");
        return kpis;
    }

    private static Task<Results<Ok<KpiView>, ValidationProblem>> Get(
        KpiQueries queries, CancellationToken cancellationToken, DateTimeOffset? from = null, DateTimeOffset? to = null, string? utcOffset = null) =>
        queries.PeriodAsync(from, to, utcOffset, cancellationToken);

    internal const string UtcOffsetHint = "An offset from UTC such as +08:00 (the default), -05:00 or Z.";

    /// <summary>"+08:00", "-05:30" or "Z" (at most 14 h); none given is <see cref="DefaultUtcOffset"/>.</summary>
    internal static bool TryParseUtcOffset(string? utcOffset, out TimeSpan offset)
    {
        offset = DefaultUtcOffset;
        if (string.IsNullOrWhiteSpace(utcOffset))
        {
            return true;
        }

        // A '+' in a query string arrives as a space, so it is trimmed with the rest.
        var text = utcOffset.Trim();
        text = text is "Z" or "z" ? "00:00" : text.TrimStart('+');
        var negative = text.StartsWith('-');
        if (!TimeSpan.TryParseExact(negative ? text[1..] : text, @"hh\:mm", CultureInfo.InvariantCulture, out var parsed) || parsed > TimeSpan.FromHours(14))
        {
            return false;
        }

        offset = negative ? -parsed : parsed;
        return true;
    }

    internal static string FormatUtcOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}

/// <summary>The KPIs as JSON: durations in seconds, one row per local day with a count per severity.</summary>
internal sealed record KpiView(
    DateTimeOffset From,
    DateTimeOffset To,
    string UtcOffset,
    int AlertsRaised,
    IReadOnlyList<KpiDay> PerDay,
    int Closed,
    int ClosedAsFalseAlarm,
    double? FalseAlarmShare,
    KpiDuration TimeToAcknowledge,
    KpiDuration TimeToClose,
    int EscalationsFired,
    int AlertsEscalated,
    int OverdueHazards)
{
    /// <summary>Entrapment rescues reported in the period, per maintenance unit (issue 20 item 4).</summary>
    public IReadOnlyList<UnitRescueKpi> Rescues { get; init; } = [];

    public static KpiView Of(AlertKpiReport report, int overdueHazards)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.From.ToUniversalTime(), report.To.ToUniversalTime(), KpiEndpoints.FormatUtcOffset(report.UtcOffset),
            report.AlertsRaised,
            [.. report.PerDay.Select(d => new KpiDay(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Total,
                d.BySeverity[WarningLevel.Red], d.BySeverity[WarningLevel.Orange], d.BySeverity[WarningLevel.Yellow], d.BySeverity[WarningLevel.Blue]))],
            report.Closed, report.ClosedAsFalseAlarm, report.FalseAlarmShare,
            KpiDuration.From(report.TimeToAcknowledge), KpiDuration.From(report.TimeToClose),
            report.EscalationsFired, report.AlertsEscalated, overdueHazards);
    }
}

internal sealed record KpiDay(string Day, int Total, int Red, int Orange, int Yellow, int Blue);

internal sealed record KpiDuration(int Count, double? MedianSeconds, double? P90Seconds)
{
    public static KpiDuration From(DurationStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return new(stats.Count, stats.Median?.TotalSeconds, stats.P90?.TotalSeconds);
    }
}
