using RiskMonitor.Simulator.City;

namespace RiskMonitor.Simulator.Tests.City;

public sealed class BaseMapGeneratorTests
{
    private static readonly IReadOnlyList<GeneratedAsset> Assets = CityGenerator.Generate(CityGenerator.DefaultSeed);
    private static readonly IReadOnlyList<GeneratedSite> Sites = SensitiveSiteGenerator.Generate(CityGenerator.DefaultSeed);
    private static readonly IReadOnlyList<BaseMapFeature> Map = BaseMapGenerator.Generate(CityGenerator.DefaultSeed, Assets, Sites);

    [Fact]
    public void The_checked_in_base_map_is_what_the_generator_makes_with_seed_42()
    {
        var path = CityGeneratorTests.FindRepositoryFile("data/demo-city/basemap.geojson");

        Assert.True(path is not null, "data/demo-city/basemap.geojson not found above the test's folder");
        Assert.True(
            File.ReadAllBytes(path).AsSpan().SequenceEqual(BaseMapGenerator.ToUtf8(Map)),
            "The checked-in base map differs from the generator; rerun generate-regions --seed 42 (see data/demo-city/README.md).");
    }

    [Fact]
    public void Every_pipeline_vertex_lies_on_a_street_of_the_base_map()
    {
        var streets = Map.Where(f => f.Layer == "street").ToList();
        var eastStreets = streets.Where(s => s.Id.StartsWith("street-ns", StringComparison.Ordinal)).Select(s => CityLayout.ToLocal(s.Rings[0]).EastM).ToList();
        var northStreets = streets.Where(s => s.Id.StartsWith("street-ew", StringComparison.Ordinal)).Select(s => CityLayout.ToLocal(s.Rings[0]).NorthM).ToList();

        // Bends and valve wells sit a metre or two off the street line, as in surveyed data.
        foreach (var vertex in Assets.Where(a => a.IsLine).SelectMany(a => a.Coordinates))
        {
            var (east, north) = CityLayout.ToLocal(vertex);
            Assert.True(eastStreets.Any(e => Math.Abs(e - east) < 3) || northStreets.Any(n => Math.Abs(n - north) < 3),
                $"pipeline vertex at ({east:F0}, {north:F0}) m is on no street");
        }
    }

    [Fact]
    public void Parks_hold_no_building_site_or_tank_and_the_map_has_every_layer()
    {
        var parks = Map.Where(f => f.Layer == "park").ToList();
        var points = Assets.Where(a => !a.IsLine).Select(a => a.Coordinates[0]).Concat(Sites.Select(s => s.Position)).ToList();

        Assert.NotEmpty(parks);
        foreach (var park in parks)
        {
            var (minLon, maxLon) = (park.Rings.Min(p => p.Lon), park.Rings.Max(p => p.Lon));
            var (minLat, maxLat) = (park.Rings.Min(p => p.Lat), park.Rings.Max(p => p.Lat));
            Assert.DoesNotContain(points, p => p.Lon > minLon && p.Lon < maxLon && p.Lat > minLat && p.Lat < maxLat);
        }

        Assert.Equal(["city", "district-label", "landmark", "park", "street", "water"], Map.Select(f => f.Layer).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(CityLayout.Districts.Select(d => d.Name).Order(StringComparer.Ordinal),
            Map.Where(f => f.Layer == "district-label").Select(f => f.Name).Order(StringComparer.Ordinal));
    }
}
