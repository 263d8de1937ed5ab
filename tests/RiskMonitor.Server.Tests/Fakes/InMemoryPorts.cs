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
            _assets[assetId] = new AssetDefinition(
                assetId, "gas_pipeline", assetId, "gas", new GeometryFactory().CreatePoint(new Coordinate(120.1, 30.2)), RiskColour.Blue,
                null, null, null, regionId, null);
        }
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
