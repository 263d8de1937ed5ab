using System.Security.Claims;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>The authorization policies by name; see <see cref="SecurityHosting"/> for what each demands.</summary>
internal static class Policies
{
    /// <summary>Viewer or above; the fallback for every endpoint that names no policy.</summary>
    public const string View = "rm:view";

    /// <summary>Operator or above: handles alerts and hazards.</summary>
    public const string Operate = "rm:operate";

    /// <summary>Supervisor or above: signs off, silences, edits the roster.</summary>
    public const string Supervise = "rm:supervise";

    /// <summary>Admin: accounts, devices, integrators' keys, the audit trail.</summary>
    public const string Administer = "rm:admin";

    /// <summary>A responsible party's account (role unit, issue 20): its own organisation's alerts only.</summary>
    public const string Unit = "rm:unit";

    /// <summary>Not scoped to regions: views that cover the whole city (KPIs, snapshots, ingestion).</summary>
    public const string CityWide = "rm:city-wide";
}

/// <summary>The caller's regions and what lies in them: what command and query classes ask, so they are tested without a registry.</summary>
internal interface ICallerAccess
{
    RegionScope ScopeOf(ClaimsPrincipal user);

    bool CanSeeAsset(RegionScope scope, string assetId);

    bool CanSeeRegion(RegionScope scope, string regionId);

    /// <summary>A record tied to an asset, or failing that to a region (a hazard from inspection); neither = city-wide only.</summary>
    bool CanSeeRecord(RegionScope scope, string? assetId, string? regionId);
}

/// <summary>
/// Roles and region scope of the caller, read from the claims the configured names point at. The region checks use
/// the loaded <see cref="RegionMap"/>, so a scope written as a street covers every grid and asset below it.
/// </summary>
internal sealed class AccessControl(IOptions<AuthOptions> options, Registry.LiveRegistry registry) : ICallerAccess
{
    // The map in force now: the registry changes over the API (docs/decisions/0041-live-registry.md).
    private RegionMap Map => registry.Current.Map;

    private readonly string _regionClaim = options.Value.RegionClaim;

    public RegionScope ScopeOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RegionScope.Of(user.FindAll(_regionClaim).Select(c => c.Value));
    }

    public static bool Has(ClaimsPrincipal user, AccessRole role)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true && AccessRoles.AnyGrants(RoleNames(user), role);
    }

    /// <summary>Role claims of every identity, each by its own role claim type (JWT and API key identities differ).</summary>
    public static IEnumerable<string> RoleNames(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identities.SelectMany(i => i.FindAll(i.RoleClaimType).Select(c => c.Value));
    }

    public bool CanSeeAsset(ClaimsPrincipal user, string assetId) => CanSeeAsset(ScopeOf(user), assetId);

    public bool CanSeeRegion(ClaimsPrincipal user, string regionId) => CanSeeRegion(ScopeOf(user), regionId);

    public bool CanSeeRecord(ClaimsPrincipal user, string? assetId, string? regionId) => CanSeeRecord(ScopeOf(user), assetId, regionId);

    // The scope overloads are for lists: read the caller's claims once, not once per item.
    // A drill key (decision 0042) is seen by whoever sees its asset.
    public bool CanSeeAsset(RegionScope scope, string assetId) => scope.CoversAsset(Map, Domain.Drills.DrillKey.AssetOf(assetId));

    public bool CanSeeRegion(RegionScope scope, string regionId) => scope.CoversRegion(Map.Index, regionId);

    /// <summary>A record tied to an asset, or failing that to a region (a hazard from inspection); neither = city-wide only.</summary>
    public bool CanSeeRecord(RegionScope scope, string? assetId, string? regionId)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.IsCityWide || (assetId is not null ? scope.CoversAsset(Map, Domain.Drills.DrillKey.AssetOf(assetId)) : regionId is not null && scope.CoversRegion(Map.Index, regionId));
    }

    /// <summary>The region ids whose scope group receives events of the asset: every grid it lies in and their ancestors.</summary>
    public IReadOnlyList<string> RegionsAbove(string assetId)
    {
        if (!Map.TryGetPlacement(assetId, out var placement))
        {
            return [];
        }

        return [.. placement.Grids.SelectMany(g => Map.Index.AncestorsOf(g).Select(a => a.Id).Prepend(g)).Distinct(StringComparer.Ordinal)];
    }
}
