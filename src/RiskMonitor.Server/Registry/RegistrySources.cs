using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Registry;
using RiskMonitor.Server.Regions;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Registry;

/// <summary>
/// What the registry in force is made of (docs/decisions/0041-live-registry.md): the seed files' features (kept as
/// text, by id, in file order), the hazmat vehicles, the sensitive-site rule; and how they and the changes made over the
/// API (<see cref="RegistryOverlay"/>) become one <see cref="RiskMapData"/>. Immutable; every method may run on any thread.
/// </summary>
internal sealed class RegistrySources
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> _seedAssets;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _seedRegions;
    private readonly FrozenSet<string> _seedAssetIds;
    private readonly FrozenSet<string> _seedRegionIds;
    private readonly IReadOnlyList<AssetDefinition> _vehicles;
    private readonly SensitiveSiteRule? _sites;

    internal RegistrySources(string? assetsPath, string? regionsPath, IReadOnlyList<AssetDefinition> vehicles, SensitiveSiteRule? sites)
    {
        _seedAssets = assetsPath is null ? [] : ReadFeatures(assetsPath);
        _seedRegions = regionsPath is null || !File.Exists(regionsPath) ? [] : ReadFeatures(regionsPath);
        _seedAssetIds = _seedAssets.Select(f => f.Key).ToFrozenSet(StringComparer.Ordinal);
        _seedRegionIds = _seedRegions.Select(f => f.Key).ToFrozenSet(StringComparer.Ordinal);
        _vehicles = vehicles;
        _sites = sites;
    }

    public bool InSeed(RegistryLayer layer, string id) => (layer == RegistryLayer.Asset ? _seedAssetIds : _seedRegionIds).Contains(id);

    /// <summary>The features of one layer in force: the seed's, each replaced by its latest change, retired ones left out.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FeaturesInForce(RegistryLayer layer, RegistryOverlay overlay)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        var changed = overlay.Features.Where(f => f.Layer == layer).ToDictionary(f => f.Id, StringComparer.Ordinal);
        var seed = layer == RegistryLayer.Asset ? _seedAssets : _seedRegions;
        var list = new List<KeyValuePair<string, string>>(seed.Count + changed.Count);
        foreach (var (id, feature) in seed)
        {
            if (!changed.Remove(id, out var change))
            {
                list.Add(new(id, feature));
            }
            else if (!change.Retired)
            {
                list.Add(new(id, change.Feature));
            }
        }

        list.AddRange(changed.Values.Where(c => !c.Retired).OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => new KeyValuePair<string, string>(c.Id, c.Feature)));
        return list;
    }

    /// <summary>One layer in force as a GeoJSON FeatureCollection (the export, and what the parsers read).</summary>
    public string Collection(RegistryLayer layer, RegistryOverlay overlay)
    {
        var text = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        var first = true;
        foreach (var (_, feature) in FeaturesInForce(layer, overlay))
        {
            text.Append(first ? "" : ",").Append(feature);
            first = false;
        }

        return text.Append("]}").ToString();
    }

    /// <summary>The assets in force, parsed and joined by the vehicles; throws <see cref="RegistryException"/> with every problem.</summary>
    public GeoJsonAssetRegistry Assets(RegistryOverlay overlay) =>
        GeoJsonAssetRegistry.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Collection(RegistryLayer.Asset, overlay))), "the asset registry").Including(_vehicles);

    /// <summary>The region tree in force; throws <see cref="RegistryException"/> with every problem. Empty without any region.</summary>
    public RegionIndex Regions(RegistryOverlay overlay)
    {
        var features = FeaturesInForce(RegistryLayer.Region, overlay);
        return features.Count == 0
            ? RegionIndex.Empty
            : GeoJsonRegionFile.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Collection(RegistryLayer.Region, overlay))), "the region tree");
    }

    /// <summary>Each region's parent in force (for the cycle check), read from the features without building the tree.</summary>
    public Dictionary<string, string?> ParentsInForce(RegistryOverlay overlay)
    {
        var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (id, feature) in FeaturesInForce(RegistryLayer.Region, overlay))
        {
            using var document = JsonDocument.Parse(feature);
            parents[id] = document.RootElement.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("parentId", out var parent) && parent.ValueKind == JsonValueKind.String ? parent.GetString() : null;
        }

        return parents;
    }

    /// <summary>
    /// The registry in force as the risk map uses it, each asset with its revision (its version in the overlay, 0 as seeded): the inherent level of each asset by the material/age rule, then
    /// raised one step near a sensitive site, each with its basis; every asset placed in the region tree.
    /// </summary>
    public RiskMapData Build(GeoJsonAssetRegistry assets, RegionIndex index, RegistryOverlay overlay, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(overlay);
        var revisions = overlay.Features.Where(f => f.Layer == RegistryLayer.Asset).ToDictionary(f => f.Id, f => f.Version, StringComparer.Ordinal);
        var ruled = assets.Select(a =>
        {
            var inherent = InherentLevelRule.Apply(a.InherentLevel, a.Kind, a.Material, a.InstalledYear, today);
            return a with { InherentLevel = inherent.Level, InherentBasis = inherent, Revision = revisions.GetValueOrDefault(a.Id) };
        });
        var raises = new Dictionary<string, ConsequenceRaise>(StringComparer.Ordinal);
        if (_sites is not null)
        {
            foreach (var asset in ruled.All)
            {
                if (_sites.Evaluate(asset) is { } raise)
                {
                    raises[asset.Id] = raise;
                }
            }
        }

        var raised = raises.Count == 0 ? ruled : ruled.Select(a => raises.TryGetValue(a.Id, out var r) && r.RaisedLevel != a.InherentLevel
            ? a with
            {
                InherentLevel = r.RaisedLevel,
                InherentBasis = a.InherentBasis! with
                {
                    Level = r.RaisedLevel,
                    Basis = $"{a.InherentBasis!.Basis}; raised to {r.RaisedLevel.ToString().ToLowerInvariant()}: within reach of {string.Join(", ", r.Sites.Select(s => s.Name))}",
                },
            }
            : a);
        var map = RegionMap.Build(index, raised.All);
        return new RiskMapData(map, raised.Select(map.Stamp), raises.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static List<KeyValuePair<string, string>> ReadFeatures(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var list = new List<KeyValuePair<string, string>>();
        if (document.RootElement.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array)
        {
            foreach (var feature in features.EnumerateArray())
            {
                if (IdOf(feature) is { } id)
                {
                    list.Add(new(id, feature.GetRawText()));
                }
            }
        }

        return list;
    }

    internal static string? IdOf(JsonElement feature) =>
        feature.ValueKind != JsonValueKind.Object ? null
        : feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()
        : feature.TryGetProperty("id", out var fid) && fid.ValueKind == JsonValueKind.String ? fid.GetString()
        : null;
}
