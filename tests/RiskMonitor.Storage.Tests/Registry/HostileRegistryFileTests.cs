using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Storage.Tests.Registry;

/// <summary>
/// Issue 11, hostile input: the GeoJSON asset and region imports. Whatever a file holds, a load either succeeds or
/// fails with a <see cref="RegistryException"/> that says why (the server then refuses to start with that message);
/// no other exception escapes. Good files, generated, load with exactly their content.
/// </summary>
public sealed class HostileRegistryFileTests
{
    private static readonly string DemoCity = FindDemoCity();
    private static readonly Lazy<string> SmallAssets = new(() => FirstFeatures(Path.Combine(DemoCity, "assets.geojson"), 6));
    private static readonly Lazy<string> SmallRegions = new(() => OneChain(Path.Combine(DemoCity, "regions.geojson")));

    [Fact]
    public void The_seeds_are_good_files()
    {
        Assert.Equal(6, Assets(SmallAssets.Value).All.Count());
        var ids = JsonNode.Parse(SmallRegions.Value)!["features"]!.AsArray().Select(f => (string)f!["properties"]!["id"]!).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Subset(Regions(SmallRegions.Value).Regions.Select(r => r.Id).ToHashSet(), ids.ToHashSet());
    }

    [Fact]
    public void A_mutated_asset_file_loads_or_is_refused_with_a_reason()
    {
        JsonMutations.Of(SmallAssets.Value).Sample(json =>
        {
            try
            {
                var registry = Assets(json);
                Assert.All(registry.All, a => Assert.Matches(GeoJsonAssetRegistry.AssetIdPattern(), a.Id));
            }
            catch (RegistryException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }, iter: 3000, print: j => j.Length > 2000 ? j[..2000] : j);
    }

    [Fact]
    public void A_mutated_region_file_loads_or_is_refused_with_a_reason()
    {
        JsonMutations.Of(SmallRegions.Value).Sample(json =>
        {
            try
            {
                var index = Regions(json);
                Assert.All(index.Regions, r => Assert.False(string.IsNullOrEmpty(r.Id)));
            }
            catch (RegistryException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }, iter: 3000, print: j => j.Length > 2000 ? j[..2000] : j);
    }

    [Fact]
    public void Generated_asset_files_load_with_exactly_their_assets()
    {
        var id = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789._-"], 1, 64];
        var point = Gen.Select(Gen.Double[-180, 180], Gen.Double[-85, 85]);
        var asset = Gen.Select(id, Gen.OneOf("gas_pipeline", "elevator", "hazard_source", "water_supply"), Gen.OneOf("blue", "yellow", "orange", "red"), point);

        asset.Array[1, 30].Select(list => list.DistinctBy(a => a.Item1).ToArray()).Sample(assets =>
        {
            var features = assets.Select(a => new JsonObject
            {
                ["type"] = "Feature",
                ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(a.Item4.Item1, a.Item4.Item2) },
                ["properties"] = new JsonObject { ["id"] = a.Item1, ["kind"] = a.Item2, ["name"] = "资产 " + a.Item1, ["industry"] = "gas", ["inherentLevel"] = a.Item3 },
            });
            var json = new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray([.. features]) }.ToJsonString();

            var registry = Assets(json);

            Assert.Equal(assets.Select(a => a.Item1).Order(StringComparer.Ordinal), registry.All.Select(a => a.Id).Order(StringComparer.Ordinal));
            Assert.All(assets, a => Assert.True(registry.TryGet(a.Item1, out var found) && found.Kind == a.Item2));
        }, iter: 500);
    }

    private static GeoJsonAssetRegistry Assets(string json) => GeoJsonAssetRegistry.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test");

    private static RiskMonitor.Domain.Regions.RegionIndex Regions(string json) =>
        GeoJsonRegionFile.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test");

    private static string FirstFeatures(string path, int count)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var features = root["features"]!.AsArray();
        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray([.. features.Take(count).Select(f => f!.DeepClone())]) }.ToJsonString();
    }

    /// <summary>One grid and every region above it up to the city: a small file that is whole.</summary>
    private static string OneChain(string path)
    {
        var features = JsonNode.Parse(File.ReadAllText(path))!["features"]!.AsArray().Select(f => f!).ToList();
        var byId = features.ToDictionary(f => (string)f["properties"]!["id"]!);
        var grid = features.First(f => (string)f["properties"]!["level"]! == "grid");
        var chain = new List<JsonNode> { grid };
        while (chain[^1]["properties"]!["parentId"] is { } parent)
        {
            chain.Add(byId[(string)parent!]);
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray([.. chain.Select(f => f.DeepClone())]) }.ToJsonString();
    }

    private static string FindDemoCity()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "demo-city");
            if (File.Exists(Path.Combine(candidate, "regions.geojson")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("data/demo-city not found above " + AppContext.BaseDirectory);
    }
}
