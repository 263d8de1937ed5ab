using System.Diagnostics.CodeAnalysis;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Contracts.Registry;

/// <summary>The registered assets (imported from GeoJSON). Unknown asset ids are dead-lettered, never created.</summary>
public interface IAssetRegistry
{
    int Count { get; }

    IEnumerable<AssetDefinition> All { get; }

    bool TryGet(string assetId, [NotNullWhen(true)] out AssetDefinition? asset);

    /// <summary>Lookup by a slice of the topic, so the ingestion hot path allocates no string for the id.</summary>
    bool TryGet(ReadOnlySpan<char> assetId, [NotNullWhen(true)] out AssetDefinition? asset);
}

/// <summary>The rules that apply to each asset: its kind's defaults plus any per-asset overrides.</summary>
public interface IRuleCatalog
{
    /// <summary>
    /// Grows whenever <see cref="For"/> may answer differently (a rule change applied without a restart, decision 0043),
    /// so an asset compares one number per reading and rebuilds its rules only when it moved. A fixed catalog keeps 0.
    /// </summary>
    long Version => 0;

    RuleSet For(AssetDefinition asset);

    /// <summary>A detector group by id (decision 0050), for the group's grain; null when the rules in force have none of that id.</summary>
    Domain.Rules.Groups.DetectorGroupDefinition? Group(string groupId) => null;
}
