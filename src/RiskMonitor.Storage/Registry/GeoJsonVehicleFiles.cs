using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Vehicles;

namespace RiskMonitor.Storage.Registry;

/// <summary>
/// Reads the hazmat vehicle registry (LineString features: the approved route; properties <c>id, name, plate, cargo,
/// cargoName, carrier, driver {name, phone}, inherentLevel</c>) and the restricted zones (Polygon features; <c>id, name,
/// kind, level</c> red|orange, default red) from GeoJSON FeatureCollections. Every problem is collected so that one run
/// shows them all.
/// </summary>
public static class GeoJsonVehicleFiles
{
    private static readonly JsonSerializerOptions GeometryOptions = new() { Converters = { new GeoJsonConverterFactory() } };

    public static IReadOnlyList<HazmatVehicle> LoadVehicles(string path) => Read(path, "Vehicle file", (p, geometry, id, problems) =>
    {
        if (geometry is not LineString { NumPoints: >= 2 } route)
        {
            problems.Add($"'{id}': the approved route must be a LineString");
            return null;
        }

        if (!GeoJsonAssetRegistry.AssetIdPattern().IsMatch(id))
        {
            problems.Add($"'{id}': id must match [A-Za-z0-9._-]{{1,64}}");
            return null;
        }

        if (Text(p, "cargo") is not { Length: > 0 } cargo)
        {
            problems.Add($"'{id}': cargo (a UN number) is required");
            return null;
        }

        var inherentText = Text(p, "inherentLevel") ?? "orange";
        if (!Enum.TryParse<RiskColour>(inherentText, ignoreCase: true, out var inherent) || !Enum.IsDefined(inherent))
        {
            problems.Add($"'{id}': inherentLevel '{inherentText}' is not red|orange|yellow|blue");
            return null;
        }

        ResponsiblePerson? driver = p.TryGetProperty("driver", out var d) && d.ValueKind == JsonValueKind.Object && Text(d, "name") is { } name
            ? new ResponsiblePerson(name, Text(d, "phone"))
            : null;
        return new HazmatVehicle(id, Text(p, "name") ?? id, Text(p, "plate"), cargo, Text(p, "cargoName"), Text(p, "carrier"), driver, route, inherent);
    });

    public static IReadOnlyList<RestrictedZone> LoadZones(string path) => Read(path, "Restricted-zone file", (p, geometry, id, problems) =>
    {
        if (geometry is not (Polygon or MultiPolygon))
        {
            problems.Add($"'{id}': a restricted zone must be a Polygon or MultiPolygon");
            return null;
        }

        var levelText = Text(p, "level") ?? "red";
        if (!Enum.TryParse<WarningLevel>(levelText, ignoreCase: true, out var level) || level is WarningLevel.None || !Enum.IsDefined(level))
        {
            problems.Add($"'{id}': level '{levelText}' is not red|orange|yellow|blue");
            return null;
        }

        return new RestrictedZone(id, Text(p, "name") ?? id, Text(p, "kind") ?? "other", level, geometry);
    });

    private static List<T> Read<T>(string path, string what, Func<JsonElement, Geometry, string, List<string>, T?> parse)
        where T : class
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new RegistryException($"{what} '{path}' cannot be read: {ex.Message}");
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new RegistryException($"{what} '{path}' is not a GeoJSON FeatureCollection.");
            }

            var items = new List<T>();
            var problems = new List<string>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var where = $"feature {index++}";
                try
                {
                    var p = feature.GetProperty("properties");
                    var id = Text(p, "id");
                    var geometry = feature.GetProperty("geometry").Deserialize<Geometry>(GeometryOptions);
                    if (string.IsNullOrWhiteSpace(id) || geometry is null || geometry.IsEmpty)
                    {
                        problems.Add($"{where}: id and geometry are required");
                        continue;
                    }

                    if (!ids.Add(id))
                    {
                        problems.Add($"{where}: duplicate id '{id}'");
                        continue;
                    }

                    if (parse(p, geometry, id, problems) is { } item)
                    {
                        items.Add(item);
                    }
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or JsonException)
                {
                    problems.Add($"{where}: {ex.Message}");
                }
            }

            return problems.Count == 0
                ? items
                : throw new RegistryException($"{what} '{path}' has {problems.Count} problem(s): " + string.Join("; ", problems.Take(20)));
        }
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
