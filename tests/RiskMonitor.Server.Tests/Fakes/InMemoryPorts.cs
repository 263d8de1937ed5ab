using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using NetTopologySuite.Geometries;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Tests.Fakes;

/// <summary>
/// Stand-ins for the ports the server's command and query classes talk to, for in-process tests of their logic: a small
/// registry of assets by region, callers scoped by <c>region</c> claims, and recorders for what goes out.
/// </summary>
internal sealed class InMemoryPorts : IAssetRegistry, ICallerAccess, IRiskEventSink, IEscalationRecheck, IRegionChain
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, AssetDefinition> _assets = new(StringComparer.Ordinal);

    public InMemoryPorts(params (string AssetId, string RegionId)[] assets)
    {
        foreach (var (assetId, regionId) in assets)
        {
            Add(assetId, regionId);
        }
    }

    /// <summary>Registers an asset; all stand on one spot unless told (<paramref name="metresEast"/> along the parallel).</summary>
    public AssetDefinition Add(
        string assetId, string regionId, string kind = "gas_pipeline", string industry = "gas", RiskColour inherent = RiskColour.Blue, double metresEast = 0)
    {
        // About 96 km per degree of longitude at 30.2° N.
        var asset = new AssetDefinition(
            assetId, kind, assetId, industry, new GeometryFactory().CreatePoint(new Coordinate(120.1 + (metresEast / 96_200), 30.2)), inherent,
            null, null, null, regionId, null);
        _assets[assetId] = asset;
        return asset;
    }

    public List<(AlertChangeKind Kind, AlertView Alert)> Pushed { get; } = [];

    public List<string> Rechecked { get; } = [];

    public static ClaimsPrincipal CityWide { get; } = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "zhang.min")], "test"));

    public static ClaimsPrincipal ScopedTo(string regionId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "wang.fang"), new Claim("region", regionId)], "test"));

    public static AlertView Alert(string alertId, string assetId, string regionId, WarningLevel level, AlertState state = AlertState.Open,
        bool active = true, DateTimeOffset? raisedAt = null) =>
        new(alertId, assetId, "ch4_lel.high", level, level, state, active, "ch4_lel", 30, raisedAt ?? T0, raisedAt ?? T0, raisedAt ?? T0, null, null,
            "test", assetId, "gas_pipeline", "gas", regionId);

    // IAssetRegistry
    public int Count => _assets.Count;

    public IEnumerable<AssetDefinition> All => _assets.Values;

    public bool TryGet(string assetId, [NotNullWhen(true)] out AssetDefinition? asset) => _assets.TryGetValue(assetId, out asset);

    public bool TryGet(ReadOnlySpan<char> assetId, [NotNullWhen(true)] out AssetDefinition? asset) => TryGet(assetId.ToString(), out asset);

    // ICallerAccess: the region claims are the scope; regions are flat (no hierarchy) here.
    public RegionScope ScopeOf(ClaimsPrincipal user) => RegionScope.Of(user.FindAll("region").Select(c => c.Value));

    public bool CanSeeAsset(RegionScope scope, string assetId) =>
        scope.IsCityWide || (_assets.TryGetValue(assetId, out var asset) && scope.Regions.Contains(asset.RegionId));

    public bool CanSeeRegion(RegionScope scope, string regionId) => scope.IsCityWide || scope.Regions.Contains(regionId);

    public bool CanSeeRecord(RegionScope scope, string? assetId, string? regionId) =>
        scope.IsCityWide || (assetId is not null ? CanSeeAsset(scope, assetId) : regionId is not null && CanSeeRegion(scope, regionId));

    // IRiskEventSink
    public void AlertChanged(AlertChangeKind kind, AlertView alert) => Pushed.Add((kind, alert));

    public void AssetChanged(AssetView asset)
    {
    }

    public void VehicleMoved(VehicleFix fix)
    {
    }

    // IEscalationRecheck
    public Task RecheckAsync(string alertId)
    {
        Rechecked.Add(alertId);
        return Task.CompletedTask;
    }

    // IRegionChain: no region above another.
    public IReadOnlyList<RegionContact> Above(string regionId) => [];
}
