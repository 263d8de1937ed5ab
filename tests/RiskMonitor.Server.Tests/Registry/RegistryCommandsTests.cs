using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Regions;
using RiskMonitor.Server.Registry;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Tests.Registry;

/// <summary>
/// Registry writes in process, on the in-memory store and the test city's region file as the seed: each refusal leaves
/// the store and the registry in force as they were; a write saved is versioned, audited and in force at once.
/// </summary>
public sealed class RegistryCommandsTests : IDisposable
{
    private readonly string _regionsPath = Path.Combine(Path.GetTempPath(), $"rm-registry-commands-{Guid.NewGuid():N}.geojson");
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryRegistryFeatureStore _store = new();
    private readonly LiveRegistry _live;
    private readonly RegistryCommands _commands;

    public RegistryCommandsTests()
    {
        File.WriteAllText(_regionsPath, TestCity.Regions());
        var sources = new RegistrySources(null, _regionsPath, [], null);
        var none = RegistryOverlay.Empty;
        _live = new LiveRegistry(sources, sources.Build(sources.Assets(none), sources.Regions(none), none, DateOnly.FromDateTime(InMemoryPorts.T0.UtcDateTime)));
        var regions = new RegionReadModel(_live.Current.Map);
        var follower = new RegistryFollower(
            _live, _store, regions, new AlertReadModel(regions), Options.Create(new LiveRegistryOptions()), _time, NullLogger<RegistryFollower>.Instance);
        _commands = new RegistryCommands(_live, _store, follower, _time, NullLogger<RegistryFollower>.Instance);
    }

    public void Dispose() => File.Delete(_regionsPath);

    [Fact]
    public async Task An_asset_created_is_in_force_at_once_with_version_1_as_its_etag_audited_by_its_writer_and_a_second_create_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;

        var answer = await _commands.CreateAsync(RegistryLayer.Asset, Asset("gp-new", "新建管线"), InMemoryPorts.CityWide, ct);
        var again = await _commands.CreateAsync(RegistryLayer.Asset, Asset("gp-new", "重复"), InMemoryPorts.CityWide, ct);

        var created = Assert.IsType<Created<RegistryRecord>>(answer.Result.Result);
        Assert.Equal(("/api/registry/assets/gp-new", "\"1\"", 1), (created.Location, answer.ETag, created.Value!.Version));
        Assert.Equal(["t-g1"], created.Value.Grids);
        Assert.True(_live.Current.Registry.TryGet("gp-new", out var asset));
        Assert.Equal("新建管线", asset.Name);
        var row = Assert.Single((await _store.LoadAsync(ct)).Features);
        Assert.Equal(("zhang.min", InMemoryPorts.T0, 1), (row.UpdatedBy, row.UpdatedAt, row.Version));
        Assert.Equal(409, Assert.IsType<ProblemHttpResult>(again.Result.Result).StatusCode);
        Assert.Null(again.ETag);
    }

    [Fact]
    public async Task A_change_names_the_version_it_read_and_is_refused_without_it_with_a_bad_one_or_a_stale_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.CreateAsync(RegistryLayer.Asset, Asset("gp-new", "新建管线"), InMemoryPorts.CityWide, ct);

        var changed = await _commands.ReplaceAsync(RegistryLayer.Asset, "gp-new", Asset("gp-new", "改名"), "\"1\"", InMemoryPorts.CityWide, ct);
        var stale = await _commands.ReplaceAsync(RegistryLayer.Asset, "gp-new", Asset("gp-new", "旧版本"), "\"1\"", InMemoryPorts.CityWide, ct);
        var without = await _commands.ReplaceAsync(RegistryLayer.Asset, "gp-new", Asset("gp-new", "无版本"), null, InMemoryPorts.CityWide, ct);
        var bad = await _commands.ReplaceAsync(RegistryLayer.Asset, "gp-new", Asset("gp-new", "坏版本"), "v2", InMemoryPorts.CityWide, ct);
        var otherId = await _commands.ReplaceAsync(RegistryLayer.Asset, "gp-new", Asset("gp-other", "别的"), "\"2\"", InMemoryPorts.CityWide, ct);

        Assert.Equal(("\"2\"", 2), (changed.ETag, Assert.IsType<Ok<RegistryRecord>>(changed.Result.Result).Value!.Version));
        var conflict = Assert.IsType<ProblemHttpResult>(stale.Result.Result);
        Assert.Equal(409, conflict.StatusCode);
        Assert.Contains("version 2, not 1", conflict.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Equal(428, Assert.IsType<ProblemHttpResult>(without.Result.Result).StatusCode);
        Assert.Equal(400, Assert.IsType<ProblemHttpResult>(bad.Result.Result).StatusCode);
        Assert.Contains("gp-other", Assert.IsType<ValidationProblem>(otherId.Result.Result).ProblemDetails.Errors["id"][0], StringComparison.Ordinal);
        Assert.Equal(2, await _store.VersionAsync(ct));
        Assert.True(_live.Current.Registry.TryGet("gp-new", out var asset));
        Assert.Equal("改名", asset.Name);
    }

    [Fact]
    public async Task A_parent_that_closes_a_cycle_in_the_region_tree_is_refused_whole_and_nothing_changes()
    {
        var ct = TestContext.Current.CancellationToken;

        // t-g1 lies in t-d1: making t-g1 the parent of t-d1 closes t-d1 -> t-g1 -> t-d1.
        var answer = await _commands.ReplaceAsync(
            RegistryLayer.Region, "t-d1", Region("t-d1", "district", "t-g1", Square(120.0, 120.6005)), "\"0\"", InMemoryPorts.CityWide, ct);

        var errors = Assert.IsType<ValidationProblem>(answer.Result.Result).ProblemDetails.Errors;
        Assert.Contains("cycle", errors["parentId"][0], StringComparison.Ordinal);
        Assert.Equal(0, await _store.VersionAsync(ct));
        Assert.Equal(0, _live.Overlay.Version);
        Assert.Contains("t-d1", _live.Current.Map.Index.ChildrenOf("t-city"));
        Assert.True(_live.Current.Map.Index.IsWithin("t-g1", "t-d1"));
    }

    [Fact]
    public async Task Invalid_geometry_is_refused_before_the_store_is_asked_each_with_what_is_wrong()
    {
        var ct = TestContext.Current.CancellationToken;
        double[][] bowTie = [[120.0, 30.1], [120.3, 30.3], [120.3, 30.1], [120.0, 30.3], [120.0, 30.1]];
        double[][] unclosed = [[120.0, 30.1], [120.3, 30.1], [120.3, 30.3], [120.0, 30.3]];

        var crossed = await _commands.ReplaceAsync(RegistryLayer.Region, "t-g2", Region("t-g2", "grid", "t-d1", bowTie), "\"0\"", InMemoryPorts.CityWide, ct);
        var open = await _commands.ReplaceAsync(RegistryLayer.Region, "t-g2", Region("t-g2", "grid", "t-d1", unclosed), "\"0\"", InMemoryPorts.CityWide, ct);
        var outside = await _commands.ReplaceAsync(RegistryLayer.Region, "t-g2", Region("t-g2", "grid", "t-d1", Square(200.0, 200.3)), "\"0\"", InMemoryPorts.CityWide, ct);
        var notAFeature = await _commands.CreateAsync(RegistryLayer.Asset, Json("""{"type":"FeatureCollection","features":[]}"""), InMemoryPorts.CityWide, ct);

        Assert.Contains("Self-intersection", GeometryError(crossed), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("closed", GeometryError(open), StringComparison.Ordinal);
        Assert.Contains("outside longitude", GeometryError(outside), StringComparison.Ordinal);
        Assert.True(Assert.IsType<ValidationProblem>(notAFeature.Result.Result).ProblemDetails.Errors.ContainsKey("body"));
        Assert.Equal(0, await _store.VersionAsync(ct));

        static string GeometryError(RegistryWriteAnswer answer) => Assert.IsType<ValidationProblem>(answer.Result.Result).ProblemDetails.Errors["geometry"][0];
    }

    [Fact]
    public async Task Retiring_needs_a_feature_in_force_and_a_retired_id_stays_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.CreateAsync(RegistryLayer.Asset, Asset("gp-new", "新建管线"), InMemoryPorts.CityWide, ct);

        var unknown = await _commands.RetireAsync(RegistryLayer.Asset, "gp-none", "\"1\"", InMemoryPorts.CityWide, ct);
        var retired = await _commands.RetireAsync(RegistryLayer.Asset, "gp-new", "\"1\"", InMemoryPorts.CityWide, ct);
        var recreated = await _commands.CreateAsync(RegistryLayer.Asset, Asset("gp-new", "再建"), InMemoryPorts.CityWide, ct);
        var reimported = await _commands.ImportAsync(RegistryLayer.Asset, Collection(Asset("gp-new", "导入")), InMemoryPorts.CityWide, ct);

        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(unknown.Result.Result).StatusCode);
        Assert.Equal("\"2\"", retired.ETag);
        Assert.False(_live.Current.Registry.TryGet("gp-new", out _));
        Assert.Equal(409, Assert.IsType<ProblemHttpResult>(recreated.Result.Result).StatusCode);
        Assert.Contains("retired", Assert.IsType<ProblemHttpResult>(reimported.Result).ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Equal(2, await _store.VersionAsync(ct));
    }

    [Fact]
    public async Task An_import_naming_an_id_twice_is_refused_whole_and_a_good_one_creates_and_replaces_in_one_write()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.CreateAsync(RegistryLayer.Asset, Asset("gp-a", "甲"), InMemoryPorts.CityWide, ct);

        var twice = await _commands.ImportAsync(RegistryLayer.Asset, Collection(Asset("gp-b", "乙"), Asset("gp-b", "乙二")), InMemoryPorts.CityWide, ct);
        var versionAfterRefusal = await _store.VersionAsync(ct);
        var imported = await _commands.ImportAsync(RegistryLayer.Asset, Collection(Asset("gp-a", "甲改"), Asset("gp-b", "乙")), InMemoryPorts.CityWide, ct);

        Assert.Contains("features[0]", Assert.IsType<ValidationProblem>(twice.Result).ProblemDetails.Errors["features[1].id"][0], StringComparison.Ordinal);
        Assert.Equal(1, versionAfterRefusal);
        var result = Assert.IsType<Ok<ImportResult>>(imported.Result).Value!;
        Assert.Equal(("asset", 2, 1, 1), (result.Layer, result.Imported, result.Created, result.Replaced));
        Assert.Equal(["gp-a", "gp-b"], result.Ids);
        Assert.Equal(2, await _store.VersionAsync(ct)); // one write for both
        Assert.True(_live.Current.Registry.TryGet("gp-a", out var changed));
        Assert.Equal("甲改", changed.Name);
    }

    [Fact]
    public async Task An_areas_inherent_level_is_written_as_a_change_of_its_feature_and_a_pipes_material_on_an_area_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;

        var material = await _commands.SetInherentLevelAsync(
            RegistryLayer.Region, "t-g4", new InherentLevelRequest("red", "2020-03-01", "市安全评估中心", "铸铁", null), "\"0\"", InMemoryPorts.CityWide, ct);
        var future = await _commands.SetInherentLevelAsync(
            RegistryLayer.Region, "t-g4", new InherentLevelRequest("red", "2027-01-01", "市安全评估中心", null, null), "\"0\"", InMemoryPorts.CityWide, ct);
        var unknown = await _commands.SetInherentLevelAsync(
            RegistryLayer.Region, "t-none", new InherentLevelRequest("red", "2020-03-01", "市安全评估中心", null, null), "\"0\"", InMemoryPorts.CityWide, ct);
        var set = await _commands.SetInherentLevelAsync(
            RegistryLayer.Region, "t-g4", new InherentLevelRequest("RED", "2020-03-01", " 市安全评估中心 ", null, null), "\"0\"", InMemoryPorts.CityWide, ct);

        Assert.True(Assert.IsType<ValidationProblem>(material.Result.Result).ProblemDetails.Errors.ContainsKey("material"));
        Assert.True(Assert.IsType<ValidationProblem>(future.Result.Result).ProblemDetails.Errors.ContainsKey("assessedOn"));
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(unknown.Result.Result).StatusCode);
        var record = Assert.IsType<Ok<RegistryRecord>>(set.Result.Result).Value!;
        Assert.Equal(("\"1\"", RiskColour.Red, "as assessed", "市安全评估中心"), (set.ETag, record.Inherent!.Assessed, record.Inherent.Basis, record.Inherent.Assessor));
        Assert.Equal("red", record.Feature.GetProperty("properties").GetProperty("inherentLevel").GetString());
        Assert.Equal(RiskColour.Red, _live.Current.Map.Index.AreaLevelOf("t-d2")); // the district above it is coloured at least that
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static JsonElement Asset(string id, string name) => JsonSerializer.SerializeToElement(new
    {
        type = "Feature",
        geometry = new { type = "Point", coordinates = new[] { 120.15, 30.2 } },
        properties = new { id, kind = "gas_pipeline", name, industry = "gas", inherentLevel = "blue", regionId = "t-g1", reportingIntervalSeconds = 60 },
    });

    private static JsonElement Region(string id, string level, string parentId, double[][] ring) => JsonSerializer.SerializeToElement(new
    {
        type = "Feature",
        geometry = new { type = "Polygon", coordinates = new[] { ring } },
        properties = new { id, name = "区域" + id, level, parentId, supervisor = new { name = "网格员" + id, phone = "0571-01234567" } },
    });

    private static JsonElement Collection(params JsonElement[] features) => JsonSerializer.SerializeToElement(new { type = "FeatureCollection", features });

    private static double[][] Square(double west, double east) => [[west, 30.1], [east, 30.1], [east, 30.3], [west, 30.3], [west, 30.1]];
}
