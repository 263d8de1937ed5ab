using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// Refuses (403) a caller scoped to regions any route that names an alert, asset, region, hazard or incident outside their
/// regions: a grid officer cannot read, acknowledge or close another grid's alert by guessing its id. One filter on
/// the API root, so an endpoint added later is covered without remembering to.
/// </summary>
internal sealed class RegionScopeFilter(AccessControl access, IHazardStore hazards, IIncidentStore incidents) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var user = http.User;
        var scope = access.ScopeOf(user);
        if (user.Identity?.IsAuthenticated != true || scope.IsCityWide)
        {
            return await next(context);
        }

        var values = http.Request.RouteValues;
        var allowed = true;
        if (values.TryGetValue("alertId", out var alertId) && alertId is string alert && AlertBook.AssetIdOf(alert) is { } alertAsset)
        {
            allowed &= access.CanSeeAsset(scope, alertAsset);
        }

        if (values.TryGetValue("assetId", out var assetId) && assetId is string asset)
        {
            allowed &= access.CanSeeAsset(scope, asset);
        }

        if (values.TryGetValue("regionId", out var regionId) && regionId is string region)
        {
            allowed &= access.CanSeeRegion(scope, region);
        }

        if (allowed && values.TryGetValue("hazardId", out var hazardId) && hazardId is string hazard &&
            await hazards.FindAsync(hazard, http.RequestAborted) is { } found)
        {
            allowed = access.CanSeeRecord(scope, found.AssetId, found.RegionId);
        }

        // The incident endpoints check this themselves too; here it also covers the routes shared with other records
        // (the evidence files), whose handlers know no incident.
        if (allowed && values.TryGetValue("incidentId", out var incidentId) && incidentId is string incident &&
            await incidents.FindAsync(incident, http.RequestAborted) is { } record)
        {
            allowed = access.CanSeeRecord(scope, null, record.RegionId);
        }

        if (allowed)
        {
            return await next(context);
        }

        SecurityLog.Refused(http.RequestServices.GetRequiredService<ILogger<RegionScopeFilter>>(), http.Request.Method,
            http.Request.Path.Value ?? "", user.Identity.Name ?? "", "outside the caller's regions");
        return Problems.OutsideRegions("This lies", scope);
    }
}

/// <summary>A request body that names the person taking the step; the server writes the signed-in name into it.</summary>
internal interface IAttributedRequest
{
    /// <summary>The same request with its actor (or author) set to <paramref name="actor"/>.</summary>
    IAttributedRequest AttributedTo(string actor);
}

/// <summary>
/// Every step is recorded with who took it, and that is the signed-in person: whatever name a body carries is
/// replaced, so a forged "actor" cannot put someone else's name on an acknowledgement.
/// </summary>
internal sealed class ActorFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        if (user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            for (var i = 0; i < context.Arguments.Count; i++)
            {
                if (context.Arguments[i] is IAttributedRequest request)
                {
                    context.Arguments[i] = request.AttributedTo(name);
                }
            }
        }

        return next(context);
    }
}
