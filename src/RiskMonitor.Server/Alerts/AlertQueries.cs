using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Silences;
using RiskMonitor.Storage.Alerts;

namespace RiskMonitor.Server.Alerts;

/// <summary>The filters of <c>GET /api/alerts</c>, as they arrive in the query string.</summary>
internal sealed record AlertListFilter(
    string? MinSeverity = null, string? State = null, bool? Active = null, string? AssetId = null, string? RegionId = null, int Limit = 1000, int Offset = 0);

/// <summary>
/// Reading alerts. The list: current ones from the read model, closed ones from the alert store, filtered to the caller's
/// regions before paging and marked with the silence that covers them now. One alert: from its grain while it is
/// current, else from the store. Its escalation: the shard's clock while it runs, else the steps the ledger recorded.
/// Everything it reads is a port or an in-memory model (the grains through <see cref="IGrainGateway"/>), so it is
/// tested without a database or a silo.
/// </summary>
internal sealed class AlertQueries(
    AlertReadModel alerts, IAlertStore store, SilenceReadModel silences, ICallerAccess access, IAssetRegistry registry, IGrainGateway grains)
{
    public const int MaxPage = 10_000;

    public async Task<Results<Ok<AlertPage>, ValidationProblem>> ListAsync(AlertListFilter filter, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // Enum values arrive as the API writes them (snake_case: in_progress, red), which the default binder refuses.
        var errors = new Dictionary<string, string[]>();
        var minSeverity = EnumQuery.Parse<WarningLevel>(filter.MinSeverity, "minSeverity", errors);
        var state = EnumQuery.Parse<AlertState>(filter.State, "state", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // A caller scoped to regions sees the alerts of their regions only; the filter applies before paging.
        var scope = access.ScopeOf(user);
        Func<AlertView, bool>? visible = scope.IsCityWide ? null : a => access.CanSeeAsset(scope, a.AssetId);
        var page = await PageAsync(filter, minSeverity, state, visible, cancellationToken);
        return TypedResults.Ok(page with { Items = [.. page.Items.Select(silences.Decorate)] });
    }

    /// <summary><c>GET /api/alerts/{alertId}</c>: the alert as its grain holds it (with its silence), else as the store kept it.</summary>
    public async Task<Results<Ok<AlertView>, ProblemHttpResult>> GetAsync(string alertId, CancellationToken cancellationToken)
    {
        // A drill's alert is read from its drill key's grain (decision 0042); the registry knows the asset behind it.
        if (AlertBook.AssetIdOf(alertId) is not { } assetId || !registry.TryGet(DrillKey.AssetOf(assetId), out _))
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        var view = await grains.AssetViewAsync(assetId);
        if (view.Alerts.FirstOrDefault(a => a.AlertId == alertId) is { } alert)
        {
            return TypedResults.Ok(silences.Decorate(alert));
        }

        // Closed alerts leave their grain; the store keeps them.
        return await store.FindAsync(alertId, cancellationToken) is { } stored
            ? TypedResults.Ok(stored)
            : Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
    }

    /// <summary><c>GET /api/alerts/{alertId}/escalation</c>: the running clock, else the steps it fired as the ledger has them.</summary>
    public async Task<Ok<EscalationStatus>> EscalationAsync(string alertId, CancellationToken cancellationToken)
    {
        var status = await grains.EscalationStatusAsync(alertId);
        if (status.Tracking)
        {
            return TypedResults.Ok(status);
        }

        // A clock is dropped when it stops; the steps it fired are in the ledger.
        var fired = (await store.HistoryAsync(alertId, cancellationToken)).Where(e => e.Action == AlertLedgerActions.Escalated).ToList();
        return TypedResults.Ok(status with { StepsFired = fired.Count, LastFiredAt = fired.Count > 0 ? fired[^1].At : null });
    }

    private async Task<AlertPage> PageAsync(
        AlertListFilter filter, WarningLevel? minSeverity, AlertState? state, Func<AlertView, bool>? visible, CancellationToken cancellationToken)
    {
        var (active, assetId, regionId) = (filter.Active, filter.AssetId, filter.RegionId);
        var offset = Math.Max(0, filter.Offset);
        var limit = Math.Clamp(filter.Limit, 1, MaxPage);
        if (state == AlertState.Closed)
        {
            // Closed alerts are not in the read model; the alert store is their record. For a scoped caller the newest
            // 10,000 are read and filtered here, so paging counts only what they may see.
            var closed = await store.QueryAsync(
                new AlertQuery(AlertState.Closed, assetId, regionId, minSeverity, Offset: visible is null ? offset : 0, Limit: visible is null ? limit : MaxPage),
                cancellationToken);
            if (visible is null)
            {
                return new AlertPage(closed.Total, closed.Items);
            }

            var mine = closed.Items.Where(visible).ToList();
            return new AlertPage(mine.Count, [.. mine.Skip(offset).Take(limit)]);
        }

        var matches = alerts.Alerts
            .Where(a => (visible is null || visible(a)) && (minSeverity is null || a.Severity >= minSeverity) && (state is null || a.State == state) &&
                        (active is null || a.ConditionActive == active) && (assetId is null || a.AssetId == assetId) &&
                        (regionId is null || a.RegionId == regionId))
            .OrderByDescending(a => a.ConditionActive).ThenByDescending(a => a.Severity).ThenByDescending(a => a.RaisedAt)
            .ToList();
        return new AlertPage(matches.Count, [.. matches.Skip(offset).Take(limit)]);
    }
}
