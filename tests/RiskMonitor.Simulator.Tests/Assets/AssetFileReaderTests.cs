using System.Text;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.City;

namespace RiskMonitor.Simulator.Tests.Assets;

public sealed class AssetFileReaderTests
{
    [Fact]
    public void The_generated_city_reads_back_with_intervals_and_floors()
    {
        var generated = CityGenerator.Generate(42);

        var file = AssetFileReader.Parse(new MemoryStream(CityGeoJson.ToUtf8(generated)));

        Assert.Empty(file.Skipped);
        Assert.Equal(generated.Select(a => a.Id), file.Assets.Select(a => a.Id));
        Assert.All(file.Assets.Where(a => a.Kind == AssetKinds.Elevator), a =>
        {
            Assert.Equal(TimeSpan.FromSeconds(10), a.ReportingInterval);
            Assert.NotNull(a.Floors);
        });
    }

    [Fact]
    public void Kinds_it_cannot_simulate_and_bad_ids_are_skipped_with_a_reason()
    {
        const string Json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":null,"properties":{"id":"br-1","kind":"bridge"}},
              {"type":"Feature","geometry":null,"properties":{"id":"bad id","kind":"elevator"}},
              {"type":"Feature","geometry":null,"properties":{"id":"gp-1","kind":"gas_pipeline"}}
            ]}
            """;

        var file = AssetFileReader.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Json)));

        Assert.Equal("gp-1", Assert.Single(file.Assets).Id);
        Assert.Equal(TimeSpan.FromSeconds(5), file.Assets[0].ReportingInterval);
        Assert.Equal(2, file.Skipped.Count);
    }

    [Fact]
    public void A_limit_takes_assets_round_robin_over_the_kinds()
    {
        var assets = AssetFileReader.Parse(new MemoryStream(CityGeoJson.ToUtf8(CityGenerator.Generate(42)))).Assets;

        var limited = AssetFileReader.Limit(assets, 8);

        Assert.Equal(8, limited.Count);
        Assert.Equal(4, limited.Select(a => a.Kind).Distinct().Count());
        Assert.Equal("gp-0001", limited[0].Id);
    }
}
