using System.Text.Json;
using RiskMonitor.Simulator.City;

namespace RiskMonitor.Simulator.Tests.City;

public sealed class ResponsibilityGeneratorTests
{
    private static readonly byte[] Generated = ResponsibilityGenerator.Generate(CityGenerator.Generate(42), RegionGenerator.Generate(42));

    [Fact]
    public void The_checked_in_responsibility_chain_is_what_the_generator_makes_with_seed_42()
    {
        var path = CityGeneratorTests.FindRepositoryFile("data/demo-city/responsibility.json");

        Assert.True(path is not null, "data/demo-city/responsibility.json not found above the test's folder");
        Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(Generated),
            "The checked-in file differs from the generator; rerun generate-regions --seed 42 (see data/demo-city/README.md).");
    }

    [Fact]
    public void Every_asset_has_an_owner_every_elevator_a_maintenance_unit_with_an_account_and_every_hazard_source_three_guarantors()
    {
        using var document = JsonDocument.Parse(Generated);
        var organisations = document.RootElement.GetProperty("organisations").EnumerateArray().ToDictionary(o => o.GetProperty("id").GetString()!);
        var parties = document.RootElement.GetProperty("assetParties").EnumerateArray().ToList();

        Assert.Equal(CityGenerator.Generate(42).Count, parties.Count);
        Assert.All(parties, p => Assert.Equal("owner_unit", organisations[p.GetProperty("ownerUnitId").GetString()!].GetProperty("kind").GetString()));
        Assert.All(parties.Where(p => p.GetProperty("assetId").GetString()!.StartsWith("el-", StringComparison.Ordinal)), p =>
            Assert.NotNull(organisations[p.GetProperty("maintenanceUnitId").GetString()!].GetProperty("people")[0].GetProperty("account").GetString()));
        Assert.All(parties.Where(p => p.GetProperty("assetId").GetString()!.StartsWith("hz-", StringComparison.Ordinal)), p =>
            Assert.Equal(["principal", "technical", "operations"], p.GetProperty("guarantors").EnumerateArray().Select(g => g.GetProperty("role").GetString())));
        var codes = organisations.Values.Select(o => o.GetProperty("creditCode")).Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Equal(ResponsibilityGenerator.CheckCharacter(c[..17]), c[17]));
    }

    [Fact]
    public void The_demo_city_names_a_regulator_for_each_industry_and_its_city_and_district_governments()
    {
        using var document = JsonDocument.Parse(Generated);
        var organisations = document.RootElement.GetProperty("organisations").EnumerateArray().ToList();
        string? Text(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        // 管行业必须管安全: one regulator per industry of the demo city's assets.
        Assert.Equal(
            ["gas", "hazardous_chemicals", "special_equipment"],
            organisations.Where(o => Text(o, "kind") == "regulator").Select(o => Text(o, "industry")!).Order(StringComparer.Ordinal));
        // The government levels (issue 20 item 1): the city and every district, each with somebody to call.
        var governments = organisations.Where(o => Text(o, "kind") == "government").ToList();
        Assert.Single(governments, g => Text(g, "id")!.StartsWith("gov-c-", StringComparison.Ordinal));
        Assert.True(governments.Count(g => Text(g, "id")!.StartsWith("gov-d-", StringComparison.Ordinal)) >= 2);
        Assert.All(governments, g => Assert.NotEmpty(g.GetProperty("people").EnumerateArray()));
    }
}
