using System.ComponentModel.DataAnnotations;

namespace RiskMonitor.Server;

/// <summary>Where the asset registry and the rules come from; paths so that a test or a load run can bring its own.</summary>
internal sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>GeoJSON FeatureCollection of assets. Relative paths are tried against the working directory, then the app folder.</summary>
    [Required] public string AssetsPath { get; set; } = "data/demo-city/assets.geojson";

    /// <summary>
    /// GeoJSON FeatureCollection of the grid hierarchy (city, district, street, community, grid polygons). When the file
    /// is missing the server starts without regions: assets keep the region id the registry gives them (logged as 4102).
    /// </summary>
    [Required] public string RegionsPath { get; set; } = "data/demo-city/regions.geojson";

    /// <summary>
    /// GeoJSON FeatureCollection of sensitive sites (schools, hospitals). An asset within
    /// <see cref="SensitiveSiteRadiusMetres"/> of one has its inherent colour raised one step. Optional: no file, no raise.
    /// </summary>
    [Required] public string SensitiveSitesPath { get; set; } = "data/demo-city/sensitive-sites.geojson";

    [Range(0, 5000)] public double SensitiveSiteRadiusMetres { get; set; } = 100;

    /// <summary>
    /// GeoJSON FeatureCollection of hazmat vehicles with their approved routes (LineStrings) and cargo. They join the
    /// asset registry as kind <c>hazmat_vehicle</c>. Optional: no file, no vehicles (logged as 4602).
    /// </summary>
    [Required] public string VehiclesPath { get; set; } = "data/demo-city/vehicles.geojson";

    /// <summary>GeoJSON FeatureCollection of polygons hazmat vehicles must not enter. Optional.</summary>
    [Required] public string RestrictedZonesPath { get; set; } = "data/demo-city/restricted-zones.geojson";

    /// <summary>
    /// GeoJSON FeatureCollection the wall draws under the grid colours (streets, water, parks, landmarks, district
    /// labels; <c>generate-regions</c> writes the demo city's). Optional: no file, no base map.
    /// </summary>
    [Required] public string BaseMapPath { get; set; } = "data/demo-city/basemap.geojson";

    /// <summary>The rule file (docs/rules.md).</summary>
    [Required] public string RulesPath { get; set; } = "config/rules.json";

    public static string Resolve(string path, string contentRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        string[] candidates = [Path.GetFullPath(path), Path.Combine(contentRoot, path), Path.Combine(AppContext.BaseDirectory, path)];
        return candidates.FirstOrDefault(File.Exists) ?? candidates[0];
    }
}
