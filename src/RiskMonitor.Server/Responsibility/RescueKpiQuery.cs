using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Kpis;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>
/// Rescue times per maintenance unit (issue 20 item 4, decision 0048) for the three places that show them: the city's
/// KPIs (<c>GET /api/kpis</c>), the rescue KPIs (<c>GET /api/rescues/kpis</c>) and a unit's own
/// (<c>GET /api/unit/kpis</c>). A rescue counts in the period its entrapment was reported in, and an open one is late
/// once its due time has passed, so every place gives the same figures for the same period.
/// </summary>
internal static class RescueKpiQuery
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    /// <param name="assetInScope">Keeps the rescues of the lifts it accepts (a region-scoped circular: a rescue names its unit, its lift names the region); null keeps all.</param>
    public static async Task<IReadOnlyList<UnitRescueKpi>> ComputeAsync(
        IPartyCaseStore cases, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, string? unitId, CancellationToken cancellationToken,
        Func<string, bool>? assetInScope = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var rescues = (await cases.RescueCasesAsync(from, to, cancellationToken))
            .Where(c => assetInScope is null || assetInScope(c.AssetId)).Select(c => c.Rescue!);
        return RescueKpis.Compute(unitId is null ? rescues : rescues.Where(r => r.UnitId == unitId), now);
    }

    /// <summary>[from, to), by default the 30 days up to now; both within the years 2000-2200 and at most 366 days long.</summary>
    public static bool TryPeriod(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, out DateTimeOffset start, out DateTimeOffset end, out Dictionary<string, string[]> errors)
    {
        errors = [];
        end = to ?? now;
        start = from ?? end - DefaultPeriod;
        if (from is { Year: < 2000 or > 2200 } || to is { Year: < 2000 or > 2200 } || start >= end)
        {
            errors["from"] = ["Give from before to, both between the years 2000 and 2200."];
        }
        else if (end - start > KpiEndpoints.MaxPeriod)
        {
            errors["from"] = ["At most 366 days at a time."];
        }

        return errors.Count == 0;
    }

    /// <summary>Enough cases for a unit's period on the unit page; a unit with more in 366 days is counted on its newest.</summary>
    private const int UnitCaseLimit = 5000;

    /// <summary><c>GET /api/unit/kpis</c>: the signed-in unit's own rescues and acknowledgements, nobody else's.</summary>
    public static async Task<Results<Ok<UnitKpiReport>, ValidationProblem, ProblemHttpResult>> UnitAsync(
        ClaimsPrincipal user, IResponsibilityStore store, IPartyCaseStore cases, TimeProvider time, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var now = time.GetUtcNow();
        if (!TryPeriod(from, to, now, out var start, out var end, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var account = user.Identity?.Name ?? "";
        if (await store.FindOrganisationOfAccountAsync(account, cancellationToken) is not { } organisation)
        {
            return Problems.NotFound("No organisation", $"No organisation names the account '{account}' among its people.");
        }

        var rescues = await ComputeAsync(cases, start, end, now, organisation.Id, cancellationToken);
        var routed = await cases.ListForOrganisationAsync(organisation.Id, start, UnitCaseLimit, cancellationToken);
        return TypedResults.Ok(new UnitKpiReport(start, end, rescues, AcknowledgementKpis.Compute(organisation.Id, routed, start, end, now)));
    }
}

/// <summary>A unit's own KPIs: <c>units</c> its rescue line (empty when it had no rescue), <c>acknowledgements</c> how it answered.</summary>
internal sealed record UnitKpiReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UnitRescueKpi> Units, UnitAcknowledgementKpi Acknowledgements);
