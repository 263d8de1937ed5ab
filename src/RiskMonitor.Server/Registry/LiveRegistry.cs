using System.Diagnostics.CodeAnalysis;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Server.Regions;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Registry;

/// <summary>
/// The registry in force on this node (docs/decisions/0041-live-registry.md): one immutable <see cref="RiskMapData"/>,
/// replaced whole when the registry changes (by <see cref="RegistryFollower"/>), so a reader sees one version or the
/// next, never a mix. Whoever holds a <see cref="Domain.Regions.RegionMap"/> or an asset beyond one request asks here.
/// </summary>
internal sealed class LiveRegistry(RegistrySources sources, RiskMapData seed)
{
    private volatile Snapshot _current = new(seed, RegistryOverlay.Empty);

    public RegistrySources Sources { get; } = sources;

    public RiskMapData Current => _current.Data;

    /// <summary>The changes made over the API that <see cref="Current"/> includes (their versions, for the API).</summary>
    public RegistryOverlay Overlay => _current.Overlay;

    internal void Publish(RiskMapData data, RegistryOverlay overlay) => _current = new Snapshot(data, overlay);

    private sealed record Snapshot(RiskMapData Data, RegistryOverlay Overlay);
}

/// <summary>The asset registry as ingestion, the grains and the API read it: always the one in force on this node.</summary>
internal sealed class LiveAssetRegistry(LiveRegistry live) : IAssetRegistry
{
    public int Count => live.Current.Registry.Count;

    public IEnumerable<AssetDefinition> All => live.Current.Registry.All;

    public bool TryGet(string assetId, [NotNullWhen(true)] out AssetDefinition? asset) => live.Current.Registry.TryGet(assetId, out asset);

    public bool TryGet(ReadOnlySpan<char> assetId, [NotNullWhen(true)] out AssetDefinition? asset) => live.Current.Registry.TryGet(assetId, out asset);
}
