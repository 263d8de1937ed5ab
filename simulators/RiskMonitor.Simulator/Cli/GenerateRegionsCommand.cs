using RiskMonitor.Simulator.City;

namespace RiskMonitor.Simulator.Cli;

/// <summary>
/// <c>generate-regions</c>: writes the demo city's grid hierarchy (regions.geojson) and, beside it, its sensitive sites
/// (sensitive-sites.geojson: schools, kindergartens, hospitals), the hazmat vehicles with their approved routes
/// (vehicles.geojson), the restricted zones (restricted-zones.geojson), the wall's base map (basemap.geojson) and the
/// responsibility chain (responsibility.json: organisations, people, each asset's parties), and prints what is in them.
/// </summary>
internal static class GenerateRegionsCommand
{
    public const string DefaultOutputPath = "data/demo-city/regions.geojson";

    public static int Run(string outputPath, int seed, TextWriter output)
    {
        var regions = RegionGenerator.Generate(seed);
        var bytes = RegionGeoJson.ToUtf8(regions);
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(outputPath, bytes);
        output.WriteLine($"Wrote {regions.Count} regions ({bytes.Length / 1024.0:F0} KiB) to {outputPath} with seed {seed}.");
        foreach (var level in regions.GroupBy(r => r.Level))
        {
            output.WriteLine($"  {level.Key,-10} {level.Count(),5}");
        }

        var sites = SensitiveSiteGenerator.Generate(seed);
        var sitesPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath)) ?? ".", "sensitive-sites.geojson");
        File.WriteAllBytes(sitesPath, SensitiveSiteGenerator.ToUtf8(sites));
        output.WriteLine($"Wrote {sites.Count} sensitive sites to {sitesPath}: " +
            string.Join(", ", sites.GroupBy(s => s.Kind).Select(g => $"{g.Key} {g.Count()}")));

        // Hazmat vehicles and the zones they must not enter (around the sensitive sites, and the old town).
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath)) ?? ".";
        var vehicles = VehicleGenerator.GenerateVehicles(seed);
        File.WriteAllBytes(Path.Combine(folder, "vehicles.geojson"), VehicleGenerator.VehiclesToUtf8(vehicles));
        var zones = VehicleGenerator.GenerateZones(sites);
        File.WriteAllBytes(Path.Combine(folder, "restricted-zones.geojson"), VehicleGenerator.ZonesToUtf8(zones));
        output.WriteLine($"Wrote {vehicles.Count} hazmat vehicles and {zones.Count} restricted zones beside it.");

        // The wall's base map (streets, water, parks, landmarks, district names) from the same geography.
        var baseMap = BaseMapGenerator.Generate(seed, CityGenerator.Generate(seed), sites);
        File.WriteAllBytes(Path.Combine(folder, BaseMapGenerator.DefaultFileName), BaseMapGenerator.ToUtf8(baseMap));
        output.WriteLine($"Wrote the base map ({string.Join(", ", baseMap.GroupBy(f => f.Layer).Select(g => $"{g.Key} {g.Count()}"))}) beside it.");

        // Who answers for each asset (issue 20): owner units, maintenance units, regulators, governments, 包保 persons.
        File.WriteAllBytes(Path.Combine(folder, ResponsibilityGenerator.DefaultFileName), ResponsibilityGenerator.Generate(CityGenerator.Generate(seed), regions));
        output.WriteLine($"Wrote the responsibility chain ({ResponsibilityGenerator.DefaultFileName}) beside it.");
        return 0;
    }
}
