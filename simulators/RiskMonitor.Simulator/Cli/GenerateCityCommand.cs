using RiskMonitor.Simulator.City;

namespace RiskMonitor.Simulator.Cli;

/// <summary><c>generate-city</c>: writes the demo city's asset file and prints what is in it.</summary>
internal static class GenerateCityCommand
{
    public static int Run(GenerateCityOptions options, TextWriter output)
    {
        var assets = CityGenerator.Generate(options.Seed);
        var bytes = CityGeoJson.ToUtf8(assets);
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.OutputPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(options.OutputPath, bytes);
        output.WriteLine($"Wrote {assets.Count} assets ({bytes.Length / 1024.0:F0} KiB) to {options.OutputPath} with seed {options.Seed}.");
        foreach (var kind in assets.GroupBy(a => a.Kind))
        {
            var levels = string.Join(", ", kind.GroupBy(a => a.InherentLevel).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
            output.WriteLine($"  {kind.Key,-14} {kind.Count(),5}   inherent: {levels}");
        }

        foreach (var district in assets.GroupBy(a => a.RegionId))
        {
            output.WriteLine($"  {district.Key,-14} {district.Count(),5}");
        }

        return 0;
    }
}
