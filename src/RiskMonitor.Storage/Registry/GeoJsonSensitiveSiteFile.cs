using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Storage.Registry;

/// <summary>
/// Reads sensitive sites (schools, hospitals, ...) from a GeoJSON FeatureCollection; properties <c>id</c>, <c>name</c>,
/// <c>kind</c>. Every problem is collected so that one run shows them all.
/// </summary>
public static class GeoJsonSensitiveSiteFile
{
    public static IReadOnlyList<SensitiveSite> Load(string path)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new RegistryException($"Sensitive-site file '{path}' cannot be read: {ex.Message}");
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new RegistryException($"Sensitive-site file '{path}' is not a GeoJSON FeatureCollection.");
            }

            var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
            var sites = new List<SensitiveSite>();
            var problems = new List<string>();
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var where = $"feature {index++}";
                try
                {
                    var p = feature.GetProperty("properties");
                    var id = p.GetProperty("id").GetString();
                    var geometry = feature.GetProperty("geometry").Deserialize<Geometry>(options);
                    if (string.IsNullOrWhiteSpace(id) || geometry is null || geometry.IsEmpty)
                    {
                        problems.Add($"{where}: id and geometry are required");
                        continue;
                    }

                    sites.Add(new SensitiveSite(id, Text(p, "name") ?? id, Text(p, "kind") ?? "other", geometry));
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or JsonException)
                {
                    problems.Add($"{where}: {ex.Message}");
                }
            }

            return problems.Count == 0
                ? sites
                : throw new RegistryException($"Sensitive-site file '{path}' has {problems.Count} problem(s): " + string.Join("; ", problems.Take(20)));
        }
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
