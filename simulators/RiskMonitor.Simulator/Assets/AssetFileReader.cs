using System.Text.Json;

namespace RiskMonitor.Simulator.Assets;

/// <summary>What the simulator took from an asset file, and what it left out.</summary>
internal sealed record AssetFile(IReadOnlyList<SimAsset> Assets, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads the same GeoJSON FeatureCollection the server imports, but only the properties a device would know about
/// itself. It is deliberately its own small reader rather than the server's loader, so the two can disagree.
/// </summary>
internal static class AssetFileReader
{
    public static AssetFile Parse(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("The asset file is not a GeoJSON FeatureCollection (no \"features\" array).");
        }

        var assets = new List<SimAsset>();
        var skipped = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var feature in features.EnumerateArray())
        {
            var where = $"feature {index++}";
            if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
            {
                skipped.Add($"{where}: no properties");
                continue;
            }

            var id = Text(p, "id");
            var kind = Text(p, "kind");
            if (id is null || !Topics.IsValidAssetId(id))
            {
                skipped.Add($"{where}: missing or invalid id '{id}'");
                continue;
            }

            if (kind is null || !AssetKinds.IsSimulated(kind))
            {
                skipped.Add($"{id}: kind '{kind}' is not simulated");
                continue;
            }

            if (!seen.Add(id))
            {
                skipped.Add($"{id}: duplicate id");
                continue;
            }

            var interval = p.TryGetProperty("reportingIntervalSeconds", out var ri) && ri.ValueKind == JsonValueKind.Number
                && ri.TryGetDouble(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : AssetKinds.DefaultReportingInterval(kind);
            int? floors = p.TryGetProperty("floors", out var f) && f.ValueKind == JsonValueKind.Number && f.TryGetInt32(out var n) && n >= 2
                ? n
                : null;
            assets.Add(new SimAsset(id, kind, Text(p, "name") ?? id, interval, floors));
        }

        return new AssetFile(assets, skipped);
    }

    /// <summary>
    /// Takes <paramref name="limit"/> assets round-robin over the kinds, in file order within a kind, so a small run
    /// still has a pipeline, an elevator and a hazard source to show instead of the first N pipelines.
    /// </summary>
    public static IReadOnlyList<SimAsset> Limit(IReadOnlyList<SimAsset> assets, int? limit)
    {
        if (limit is not { } max || max >= assets.Count)
        {
            return assets;
        }

        var queues = assets.GroupBy(a => a.Kind).Select(g => new Queue<SimAsset>(g)).ToList();
        var taken = new List<SimAsset>(max);
        while (taken.Count < max)
        {
            foreach (var queue in queues)
            {
                if (taken.Count < max && queue.TryDequeue(out var asset))
                {
                    taken.Add(asset);
                }
            }
        }

        return taken;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
