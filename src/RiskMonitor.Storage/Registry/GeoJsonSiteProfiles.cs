using System.Text.Json;
using RiskMonitor.Domain.Sites;

namespace RiskMonitor.Storage.Registry;

/// <summary>
/// Reads the site properties of the asset registry file (<c>substance, mainHazards, controlMeasures,
/// emergencyContacts [{role, name, phone}], emergencyResponses [{scenario, actions}]</c>) for the kinds that get a
/// 一图一牌三清单. A site without them still gets a board, with empty lists; a malformed entry is skipped.
/// </summary>
public static class GeoJsonSiteProfiles
{
    public static IReadOnlyDictionary<string, SiteProfile> Load(string assetsPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(assetsPath));
        var profiles = new Dictionary<string, SiteProfile>(StringComparer.Ordinal);
        if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            return profiles;
        }

        foreach (var feature in features.EnumerateArray())
        {
            if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object
                || Text(p, "kind") is not { } kind || !SiteProfile.IsSiteKind(kind) || Text(p, "id") is not { } id)
            {
                continue;
            }

            profiles[id] = new SiteProfile(
                id,
                Text(p, "substance"),
                Strings(p, "mainHazards"),
                Strings(p, "controlMeasures"),
                Objects(p, "emergencyContacts", o => Text(o, "name") is { } name ? new EmergencyContact(Text(o, "role") ?? "", name, Text(o, "phone") ?? "") : null),
                Objects(p, "emergencyResponses", o => Text(o, "scenario") is { } scenario ? new EmergencyResponse(scenario, Text(o, "actions") ?? "") : null));
        }

        return profiles;
    }

    private static List<string> Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    private static List<T> Objects<T>(JsonElement obj, string name, Func<JsonElement, T?> read)
        where T : class =>
        obj.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(read).OfType<T>()]
            : [];

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
