using System.Text.Json;
using System.Text.RegularExpressions;
using RiskMonitor.Simulator.City;

namespace RiskMonitor.Simulator.Tests.City;

public sealed partial class CityGeneratorTests
{
    private static readonly IReadOnlyList<GeneratedAsset> Assets = CityGenerator.Generate(CityGenerator.DefaultSeed);

    [Fact]
    public void The_same_seed_gives_the_same_file_byte_for_byte()
    {
        var first = CityGeoJson.ToUtf8(CityGenerator.Generate(7));
        var second = CityGeoJson.ToUtf8(CityGenerator.Generate(7));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_seed_gives_another_city()
    {
        var a = CityGeoJson.ToUtf8(CityGenerator.Generate(1));
        var b = CityGeoJson.ToUtf8(CityGenerator.Generate(2));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void The_checked_in_demo_city_is_what_the_generator_makes_with_seed_42()
    {
        var path = FindRepositoryFile("data/demo-city/assets.geojson");

        Assert.True(path is not null, "data/demo-city/assets.geojson not found above the test's folder");
        Assert.True(
            File.ReadAllBytes(path).AsSpan().SequenceEqual(CityGeoJson.ToUtf8(Assets)),
            "The checked-in file differs from the generator; rerun generate-city --seed 42 (see data/demo-city/README.md).");
    }

    [Fact]
    public void The_checked_in_vehicles_and_restricted_zones_are_what_the_generator_makes_with_seed_42()
    {
        var vehicles = FindRepositoryFile("data/demo-city/vehicles.geojson");
        var zones = FindRepositoryFile("data/demo-city/restricted-zones.geojson");

        Assert.True(vehicles is not null && zones is not null, "data/demo-city/vehicles.geojson or restricted-zones.geojson not found");
        Assert.True(
            File.ReadAllBytes(vehicles).AsSpan().SequenceEqual(VehicleGenerator.VehiclesToUtf8(VehicleGenerator.GenerateVehicles(42)))
            && File.ReadAllBytes(zones).AsSpan().SequenceEqual(VehicleGenerator.ZonesToUtf8(VehicleGenerator.GenerateZones(SensitiveSiteGenerator.Generate(42)))),
            "The checked-in files differ from the generator; rerun generate-regions --seed 42 (see data/demo-city/README.md).");
    }

    [Fact]
    public void Ids_are_unique_and_valid_topic_levels()
    {
        Assert.All(Assets, a => Assert.Matches(AssetIdPattern(), a.Id));
        Assert.Equal(Assets.Count, Assets.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_city_has_every_kind_and_enough_assets()
    {
        var byKind = Assets.GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count());

        Assert.True(Assets.Count >= 500);
        Assert.True(byKind["gas_pipeline"] >= 200);
        Assert.True(byKind["elevator"] >= 200);
        Assert.True(byKind["hazard_source"] >= 30);
        Assert.InRange(byKind["gas_station"], 3, 15);
    }

    [Fact]
    public void Pipelines_are_line_strings_of_500_to_1500_metres_with_several_vertices()
    {
        var pipelines = Assets.Where(a => a.Kind == "gas_pipeline").ToList();

        Assert.All(pipelines, p =>
        {
            Assert.True(p.IsLine);
            Assert.True(p.Coordinates.Count >= 4, $"{p.Id} has {p.Coordinates.Count} vertices");
            Assert.InRange(p.LengthM!.Value, 500, 1500);
            Assert.InRange(MeasuredLengthM(p.Coordinates), 0.95 * p.LengthM.Value, 1.05 * p.LengthM.Value);
        });
    }

    [Fact]
    public void Every_feature_carries_the_registry_properties()
    {
        using var document = JsonDocument.Parse(CityGeoJson.ToUtf8(Assets));

        Assert.Equal("FeatureCollection", document.RootElement.GetProperty("type").GetString());
        Assert.All(document.RootElement.GetProperty("features").EnumerateArray(), feature =>
        {
            var p = feature.GetProperty("properties");
            var kind = p.GetProperty("kind").GetString();
            foreach (var name in (string[])["id", "kind", "name", "industry", "inherentLevel", "ownerUnit", "regionId"])
            {
                Assert.False(string.IsNullOrWhiteSpace(p.GetProperty(name).GetString()), name);
            }

            Assert.Contains(p.GetProperty("inherentLevel").GetString(), (string[])["red", "orange", "yellow", "blue"]);
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("responsible").GetProperty("name").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("responsible").GetProperty("phone").GetString()));
            Assert.Equal(kind == "elevator" ? 10 : 5, p.GetProperty("reportingIntervalSeconds").GetInt32());
            Assert.Equal(kind == "hazard_source", p.TryGetProperty("hazardGrade", out _));
            var expectedIndustry = kind switch
            {
                "elevator" => "special_equipment",
                "hazard_source" => "hazardous_chemicals",
                _ => "gas",
            };
            Assert.Equal(expectedIndustry, p.GetProperty("industry").GetString());
            Assert.Equal(kind == "gas_pipeline" ? "LineString" : "Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        });
    }

    [Fact]
    public void Hazard_sources_are_graded_and_mostly_orange_or_red_in_the_industrial_park()
    {
        var hazards = Assets.Where(a => a.Kind == "hazard_source").ToList();

        Assert.All(hazards, h =>
        {
            Assert.Contains(h.HazardGrade, (string[])["一级", "二级", "三级", "四级"]);
            Assert.Equal(CityLayout.IndustrialDistrictId, h.RegionId);
        });
        Assert.True(hazards.Count(h => h.InherentLevel is "orange" or "red") > hazards.Count * 0.6);
    }

    [Fact]
    public void Elevators_are_mostly_blue_and_share_their_building_position()
    {
        var elevators = Assets.Where(a => a.Kind == "elevator").ToList();

        Assert.True(elevators.Count(e => e.InherentLevel == "blue") > elevators.Count * 0.6);
        Assert.All(elevators.GroupBy(e => e.Building), building =>
        {
            var first = building.First().Coordinates[0];
            Assert.All(building, e => Assert.True(DistanceM(first, e.Coordinates[0]) < 20, $"{e.Id} is far from its building"));
        });
        Assert.True(elevators.GroupBy(e => e.Building).Average(g => g.Count()) >= 2);
    }

    [Fact]
    public void Region_ids_match_the_district_under_each_point()
    {
        var (southWest, northEast) = CityLayout.Bounds;

        Assert.All(Assets.Where(a => !a.IsLine), a =>
        {
            var (east, north) = ToLocal(a.Coordinates[0]);
            Assert.Equal(CityLayout.DistrictAt(east, north).Id, a.RegionId);
        });
        Assert.All(Assets.SelectMany(a => a.Coordinates), c =>
        {
            Assert.InRange(c.Lon, southWest.Lon, northEast.Lon);
            Assert.InRange(c.Lat, southWest.Lat, northEast.Lat);
        });
        Assert.InRange(Assets.Select(a => a.RegionId).Distinct().Count(), 4, 6);
    }

    [Fact]
    public void The_file_stays_small()
    {
        Assert.True(CityGeoJson.ToUtf8(Assets).Length < 2 * 1024 * 1024);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AssetIdPattern();

    private static (double East, double North) ToLocal(GeoPosition p) =>
        ((p.Lon - CityLayout.CentreLon) * 111_320 * Math.Cos(CityLayout.CentreLat * Math.PI / 180), (p.Lat - CityLayout.CentreLat) * 111_320);

    private static double DistanceM(GeoPosition a, GeoPosition b)
    {
        var (ae, an) = ToLocal(a);
        var (be, bn) = ToLocal(b);
        return Math.Sqrt(((ae - be) * (ae - be)) + ((an - bn) * (an - bn)));
    }

    private static double MeasuredLengthM(IReadOnlyList<GeoPosition> line) =>
        line.Zip(line.Skip(1), DistanceM).Sum();

    internal static string? FindRepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
