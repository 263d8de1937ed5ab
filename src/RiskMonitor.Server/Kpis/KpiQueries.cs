using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Responsibility;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Kpis;

/// <summary>
/// The KPIs, computed on each call: the period figures from the alert ledger, the hazards overdue and the rescues, and the
/// wall's hourly series scoped to the caller's regions. Talks to the stores and <see cref="ICallerAccess"/> only, so it is
/// tested on the in-memory stores.
/// </summary>
internal sealed class KpiQueries(IAlertStore alerts, IHazardStore hazards, IPartyCaseStore cases, ICallerAccess access, TimeProvider time)
{
    /// <summary>The period [from, to) (default: the last 7 local days up to the end of today) at the local offset given.</summary>
    public async Task<Results<Ok<KpiView>, ValidationProblem>> PeriodAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? utcOffset, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!KpiEndpoints.TryParseUtcOffset(utcOffset, out var offset))
        {
            errors["utcOffset"] = [KpiEndpoints.UtcOffsetHint];
        }

        var now = time.GetUtcNow().ToOffset(offset);
        var end = to ?? new DateTimeOffset(now.Date, offset).AddDays(1);
        var start = from ?? end.AddDays(-7);
        if (end <= start)
        {
            errors["to"] = ["The period must end after it starts."];
        }
        else if (end - start > KpiEndpoints.MaxPeriod)
        {
            errors["from"] = ["At most 366 days at a time."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var report = AlertKpis.Compute(await alerts.KpiFactsAsync(start, end, cancellationToken), start, end, offset);
        var overdue = (await hazards.QueryAsync(new HazardQuery(OverdueAt: time.GetUtcNow(), Limit: 100_000), cancellationToken)).Count;
        var rescues = await RescueKpiQuery.ComputeAsync(cases, start, end, time.GetUtcNow(), null, cancellationToken);
        return TypedResults.Ok(KpiView.Of(report, overdue) with { Rescues = rescues });
    }

    /// <summary>The 24 hours ending with the current one and today's time to acknowledge against the week's, in the caller's regions.</summary>
    public async Task<Results<Ok<HourlyKpiView>, ValidationProblem>> HourlyAsync(string? utcOffset, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!KpiEndpoints.TryParseUtcOffset(utcOffset, out var offset))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["utcOffset"] = [KpiEndpoints.UtcOffsetHint] });
        }

        var now = time.GetUtcNow();
        var (from, to) = HourlyKpis.FactsPeriod(now, offset);
        var scope = access.ScopeOf(user);
        var facts = (await alerts.KpiFactsAsync(from, to, cancellationToken)).Where(f => access.CanSeeRecord(scope, f.AssetId, f.RegionId));
        return TypedResults.Ok(HourlyKpiView.Of(HourlyKpis.Compute(facts, now, offset), scope.IsCityWide));
    }
}
