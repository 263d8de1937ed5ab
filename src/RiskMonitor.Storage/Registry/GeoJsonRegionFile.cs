using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Storage.Registry;

/// <summary>
/// Reads the region hierarchy from a GeoJSON FeatureCollection of polygons (DESIGN.md §3). Each feature's properties:
/// <c>id</c>, <c>name</c>, <c>level</c> (city|district|street|community|grid), <c>parentId</c> (absent for the city),
/// <c>supervisor</c> {name, phone}; optionally the area's own assessment: <c>inherentLevel</c> (red|orange|yellow|blue),
/// <c>assessedOn</c> (yyyy-MM-dd), <c>assessor</c>. Every problem is collected so that one run shows them all.
/// </summary>
public static class GeoJsonRegionFile
{
    public static RegionIndex Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new RegistryException($"Region file '{Path.GetFullPath(path)}' does not exist. Set Registry:RegionsPath to a GeoJSON FeatureCollection.");
        }

        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    public static RegionIndex Parse(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new RegistryException($"Region file '{sourceName}' is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new RegistryException($"Region file '{sourceName}' is not a GeoJSON FeatureCollection.");
            }

            var geometryOptions = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
            var regions = new List<RegionDefinition>();
            var problems = new List<string>();
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                try
                {
                    if (ParseFeature(feature, index, geometryOptions, problems) is { } region)
                    {
                        regions.Add(region);
                    }
                }
                catch (Exception ex) when (GeoJsonProblems.IsMalformedFeature(ex))
                {
                    problems.Add($"feature {index}: {ex.Message}");
                }

                index++;
            }

            if (problems.Count == 0)
            {
                try
                {
                    return RegionIndex.Build(regions);
                }
                catch (RegionIndexException ex)
                {
                    problems.AddRange(ex.Problems);
                }
            }

            throw new RegistryException($"Region file '{sourceName}' has {problems.Count} problem(s): " + string.Join("; ", problems.Take(20)));
        }
    }

    private static RegionDefinition? ParseFeature(JsonElement feature, int index, JsonSerializerOptions geometryOptions, List<string> problems)
    {
        if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"feature {index}: no properties");
            return null;
        }

        var id = Text(p, "id");
        var where = $"feature {index} ('{id}')";
        if (id is null || !GeoJsonAssetRegistry.AssetIdPattern().IsMatch(id))
        {
            problems.Add($"{where}: id must match [A-Za-z0-9._-]{{1,64}}");
            return null;
        }

        var levelText = Text(p, "level");
        if (!Enum.TryParse<RegionLevel>(levelText, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(levelText, out _))
        {
            problems.Add($"{where}: level '{levelText}' is not city|district|street|community|grid");
            return null;
        }

        Geometry? geometry;
        try
        {
            geometry = feature.TryGetProperty("geometry", out var g) ? g.Deserialize<Geometry>(geometryOptions) : null;
        }
        catch (JsonException ex)
        {
            problems.Add($"{where}: bad geometry ({ex.Message})");
            return null;
        }

        ResponsiblePerson? supervisor = null;
        if (p.TryGetProperty("supervisor", out var s) && s.ValueKind == JsonValueKind.Object && Text(s, "name") is { } name)
        {
            supervisor = new ResponsiblePerson(name, Text(s, "phone"));
        }

        RiskColour? areaLevel = null;
        if (Text(p, "inherentLevel") is { } levelOfArea)
        {
            if (!Enum.TryParse<RiskColour>(levelOfArea, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(levelOfArea, out _))
            {
                problems.Add($"{where}: inherentLevel '{levelOfArea}' is not red|orange|yellow|blue");
                return null;
            }

            areaLevel = parsed;
        }

        DateOnly? assessedOn = null;
        if (Text(p, "assessedOn") is { } assessedText)
        {
            if (!DateOnly.TryParseExact(assessedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add($"{where}: assessedOn must be a date yyyy-MM-dd");
                return null;
            }

            assessedOn = date;
        }

        var assessor = Text(p, "assessor");
        var assessment = areaLevel is null && assessedOn is null && assessor is null ? null : new RegionAssessment(areaLevel, assessedOn, assessor);
        return new RegionDefinition(id, Text(p, "name") ?? id, level, Text(p, "parentId"), geometry, supervisor, assessment);
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
