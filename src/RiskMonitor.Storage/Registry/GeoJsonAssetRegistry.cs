using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Storage.Registry;

/// <summary>
/// The asset registry, read once from a GeoJSON FeatureCollection (DESIGN.md §3) and immutable afterwards, so
/// lookups from any thread need no lock.
/// </summary>
public sealed partial class GeoJsonAssetRegistry : IAssetRegistry
{
    /// <summary>Assets whose region is not given (and, until the region index lands, not resolved) land here.</summary>
    public const string UnassignedRegion = "unassigned";

    private readonly Dictionary<string, AssetDefinition> _byId;
    private readonly Dictionary<string, AssetDefinition>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private GeoJsonAssetRegistry(Dictionary<string, AssetDefinition> byId)
    {
        _byId = byId;
        _bySpan = byId.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _byId.Count;

    public IEnumerable<AssetDefinition> All => _byId.Values;

    public bool TryGet(string assetId, [NotNullWhen(true)] out AssetDefinition? asset) => _byId.TryGetValue(assetId, out asset);

    public bool TryGet(ReadOnlySpan<char> assetId, [NotNullWhen(true)] out AssetDefinition? asset) => _bySpan.TryGetValue(assetId, out asset);

    /// <summary>A copy with every asset passed through <paramref name="map"/>, e.g. to write in its resolved regions. Ids must not change.</summary>
    public GeoJsonAssetRegistry Select(Func<AssetDefinition, AssetDefinition> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new GeoJsonAssetRegistry(_byId.ToDictionary(e => e.Key, e => map(e.Value), StringComparer.Ordinal));
    }

    /// <summary>A copy with <paramref name="more"/> added (the hazmat vehicles); an id already registered is an error.</summary>
    public GeoJsonAssetRegistry Including(IEnumerable<AssetDefinition> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var byId = new Dictionary<string, AssetDefinition>(_byId, StringComparer.Ordinal);
        foreach (var asset in more)
        {
            if (!byId.TryAdd(asset.Id, asset))
            {
                throw new RegistryException($"Id '{asset.Id}' is registered twice (asset registry and vehicle registry).");
            }
        }

        return new GeoJsonAssetRegistry(byId);
    }

    public static GeoJsonAssetRegistry Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new RegistryException($"Asset registry '{Path.GetFullPath(path)}' does not exist. Set Registry:AssetsPath to a GeoJSON FeatureCollection.");
        }

        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>Parses a FeatureCollection; every problem is collected so that one run shows them all.</summary>
    public static GeoJsonAssetRegistry Parse(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new RegistryException($"Asset registry '{sourceName}' is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new RegistryException($"Asset registry '{sourceName}' is not a GeoJSON FeatureCollection.");
            }

            var geometryOptions = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
            var byId = new Dictionary<string, AssetDefinition>(StringComparer.Ordinal);
            var problems = new List<string>();
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                AssetDefinition? asset;
                try
                {
                    asset = ParseFeature(feature, index, geometryOptions, problems);
                }
                catch (Exception ex) when (GeoJsonProblems.IsMalformedFeature(ex))
                {
                    problems.Add($"feature {index}: {ex.Message}");
                    asset = null;
                }

                if (asset is not null && !byId.TryAdd(asset.Id, asset))
                {
                    problems.Add($"feature {index}: duplicate id '{asset.Id}'");
                }

                index++;
            }

            if (problems.Count > 0)
            {
                throw new RegistryException(
                    $"Asset registry '{sourceName}' has {problems.Count} problem(s): " + string.Join("; ", problems.Take(20)));
            }

            return new GeoJsonAssetRegistry(byId);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    public static partial Regex AssetIdPattern();

    private static AssetDefinition? ParseFeature(JsonElement feature, int index, JsonSerializerOptions geometryOptions, List<string> problems)
    {
        if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"feature {index}: no properties");
            return null;
        }

        var id = Text(p, "id") ?? (feature.TryGetProperty("id", out var fid) && fid.ValueKind == JsonValueKind.String ? fid.GetString() : null);
        var where = $"feature {index} ('{id}')";
        if (id is null || !AssetIdPattern().IsMatch(id))
        {
            problems.Add($"{where}: id must match [A-Za-z0-9._-]{{1,64}}");
            return null;
        }

        var kind = Text(p, "kind");
        if (string.IsNullOrWhiteSpace(kind))
        {
            problems.Add($"{where}: kind is required");
            return null;
        }

        Geometry? geometry = null;
        try
        {
            geometry = feature.TryGetProperty("geometry", out var g) ? g.Deserialize<Geometry>(geometryOptions) : null;
        }
        catch (JsonException ex)
        {
            problems.Add($"{where}: bad geometry ({ex.Message})");
            return null;
        }

        if (geometry is null || geometry.IsEmpty)
        {
            problems.Add($"{where}: geometry is required");
            return null;
        }

        var inherentText = Text(p, "inherentLevel") ?? "blue";
        if (!Enum.TryParse<RiskColour>(inherentText, ignoreCase: true, out var inherent) || !Enum.IsDefined(inherent))
        {
            problems.Add($"{where}: inherentLevel '{inherentText}' is not red|orange|yellow|blue");
            return null;
        }

        TimeSpan? interval = null;
        if (p.TryGetProperty("reportingIntervalSeconds", out var ri))
        {
            if (ri.ValueKind != JsonValueKind.Number || !ri.TryGetDouble(out var seconds) || seconds <= 0 || seconds > 86_400)
            {
                problems.Add($"{where}: reportingIntervalSeconds must be a number of seconds in (0, 86400]");
                return null;
            }

            interval = TimeSpan.FromSeconds(seconds);
        }

        ResponsiblePerson? responsible = null;
        if (p.TryGetProperty("responsible", out var r) && r.ValueKind == JsonValueKind.Object && Text(r, "name") is { } name)
        {
            responsible = new ResponsiblePerson(name, Text(r, "phone"));
        }

        int? installedYear = null;
        if (p.TryGetProperty("installedYear", out var iy))
        {
            if (iy.ValueKind != JsonValueKind.Number || !iy.TryGetInt32(out var year) || year is < 1800 or > 2200)
            {
                problems.Add($"{where}: installedYear must be a year (1800..2200)");
                return null;
            }

            installedYear = year;
        }

        DateOnly? assessedOn = null;
        if (Text(p, "assessedOn") is { } assessedText)
        {
            if (!DateOnly.TryParseExact(assessedText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
            {
                problems.Add($"{where}: assessedOn must be a date yyyy-MM-dd");
                return null;
            }

            assessedOn = date;
        }

        return new AssetDefinition(
            id,
            kind,
            Text(p, "name") ?? id,
            Text(p, "industry") ?? "other",
            geometry,
            inherent,
            Text(p, "hazardGrade"),
            Text(p, "ownerUnit"),
            responsible,
            Text(p, "regionId") ?? UnassignedRegion,
            interval)
        {
            Material = Text(p, "material"),
            InstalledYear = installedYear,
            AssessedOn = assessedOn,
            Assessor = Text(p, "assessor"),
        };
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A registry or rule file that cannot be used; the message says what and where.</summary>
public sealed class RegistryException(string message) : Exception(message);

internal static class GeoJsonProblems
{
    /// <summary>
    /// What a feature of the wrong shape throws on its way through <see cref="JsonElement"/> and NetTopologySuite: a
    /// number where an object belongs (InvalidOperationException), a ring that is not closed (ArgumentException), and the
    /// like. Each becomes one problem of the file, so that one run names them all and none escapes as a crash.
    /// </summary>
    public static bool IsMalformedFeature(Exception ex) =>
        ex is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException or JsonException or OverflowException
            or IndexOutOfRangeException or NetTopologySuite.Geometries.TopologyException;
}
