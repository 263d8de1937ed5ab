using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>
/// <c>POST /api/hazards/tip-line</c> in process, on the in-memory stores and a small region map: every refusal stores
/// nothing; an intake is placed, sorted, opened as a general hazard and answered with a reference, and the caller's
/// contact goes to the tip record alone.
/// </summary>
public sealed class TipLineCommandsTests
{
    private const string GasDepartment = "市城市管理局（燃气）";
    private const string DutyRoom = "市应急管理局值班室";
    private const string Contact = "李先生 13912345678";

    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryFeedLog _feed = new();
    private readonly InMemoryHazardStore _store;
    private readonly InMemoryTipLineStore _tips = new();
    private readonly RecordingLogger<TipLineRequest> _log = new();
    private readonly TipLineCommands _commands;

    public TipLineCommandsTests()
    {
        _store = new InMemoryHazardStore(_feed);
        var routing = new TipRouting(new Dictionary<string, string> { ["gas"] = GasDepartment }, DutyRoom);
        _commands = new TipLineCommands(_store, _tips, routing, RegionMap.Build(City, []), _time, _log);
    }

    /// <summary>A city with one street of two grids side by side: 宝石 (lon 120.0-120.1) and 断桥 (120.1-120.2).</summary>
    private static RegionIndex City { get; } = RegionIndex.Build(
    [
        Region("city", "杭州市", RegionLevel.City, null, 120.0, 120.2),
        Region("d-xh", "西湖区", RegionLevel.District, "city", 120.0, 120.2),
        Region("st-bs", "北山街道", RegionLevel.Street, "d-xh", 120.0, 120.2),
        Region("g-bs", "宝石网格", RegionLevel.Grid, "st-bs", 120.0, 120.1),
        Region("g-dq", "断桥网格", RegionLevel.Grid, "st-bs", 120.1, 120.2),
    ]);

    /// <summary>Each refused tip by a name for the test's title, with the one field it gets wrong (the request type is internal).</summary>
    private static readonly Dictionary<string, (string Field, TipLineRequest Request)> Refused = new(StringComparer.Ordinal)
    {
        ["no description"] = ("Description", new TipLineRequest(null)),
        ["blank description"] = ("Description", new TipLineRequest("   ")),
        ["description too long"] = ("Description", new TipLineRequest(new string('x', 4001))),
        ["location too long"] = ("Location", new TipLineRequest("gas smell", Location: new string('x', 501))),
        ["contact too long"] = ("Contact", new TipLineRequest("gas smell", Contact: new string('1', 201))),
        ["region id too long"] = ("RegionId", new TipLineRequest("gas smell", RegionId: new string('r', 101))),
        ["industry too long"] = ("Industry", new TipLineRequest("gas smell", Industry: new string('i', 101))),
        ["category too long"] = ("Category", new TipLineRequest("gas smell", Category: new string('c', 101))),
        ["longitude alone"] = ("Longitude", new TipLineRequest("gas smell", Longitude: 120.05)),
        ["latitude alone"] = ("Longitude", new TipLineRequest("gas smell", Latitude: 30.25)),
        ["longitude out of range"] = ("Longitude", new TipLineRequest("gas smell", Longitude: 181, Latitude: 30.25)),
        ["latitude out of range"] = ("Longitude", new TipLineRequest("gas smell", Longitude: 120.05, Latitude: -90.5)),
    };

    public static TheoryData<string> Refusals => [.. Refused.Keys];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_tip_names_the_field_and_stores_nothing(string refusal)
    {
        var ct = TestContext.Current.CancellationToken;
        var (field, request) = Refused[refusal];

        var result = await _commands.ReceiveAsync(request, ct);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Equal([field], problem.ProblemDetails.Errors.Keys);
        Assert.Empty(await _store.QueryAsync(new HazardQuery(Limit: 100), ct));
        Assert.Empty(await _feed.ReadAsync(new FeedQuery(Limit: 100, IncludeExercise: true), ct));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task A_tip_opens_a_general_hazard_placed_by_its_coordinates_and_sorted_by_category_and_the_caller_gets_a_reference()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.ReceiveAsync(
            new TipLineRequest(" Gas smell by the lake \n", "断桥网格 北山路 8 号", $" {Contact} ", Category: " gas ", Longitude: 120.05, Latitude: 30.25), ct);

        var created = Assert.IsType<Created<TipReceipt>>(result.Result);
        var receipt = created.Value!;
        Assert.True(TipReference.IsWellFormed(receipt.Reference));
        Assert.Equal($"/api/hazards/tip-line/{receipt.Reference}", created.Location);
        // The coordinates lie in 宝石; the address names 断桥: the coordinates win.
        Assert.Equal(("g-bs", "coordinates", GasDepartment), (receipt.RegionId, receipt.Placement, receipt.Department));

        var hazard = Assert.Single(await _store.QueryAsync(new HazardQuery(Limit: 100), ct));
        Assert.Equal(receipt.HazardId, hazard.HazardId);
        Assert.StartsWith("HZ-20261206-", hazard.HazardId, StringComparison.Ordinal);
        Assert.Equal(
            (HazardLevel.General, HazardSource.TipLine, HazardStatus.Reported, "Gas smell by the lake", "g-bs", "gas", "gas", GasDepartment, "12350"),
            (hazard.Level, hazard.Source, hazard.Status, hazard.Description, hazard.RegionId, hazard.Industry, hazard.Category, hazard.Department, hazard.ReportedBy));
        Assert.Equal((120.05, 30.25, "断桥网格 北山路 8 号"), (hazard.Longitude, hazard.Latitude, hazard.Location));
        Assert.Equal((InMemoryPorts.T0, InMemoryPorts.T0), (hazard.ReportedAt, hazard.UpdatedAt));
        Assert.Null(hazard.AssetId);

        var line = Assert.Single(await _store.HistoryAsync(hazard.HazardId, ct));
        Assert.Equal(("reported", "12350", $"tip sorted to {GasDepartment}"), (line.Action, line.Actor, line.Note));

        var tip = await _tips.FindByReferenceAsync(receipt.Reference, ct);
        Assert.Equal(new TipRecord(receipt.Reference, hazard.HazardId, Contact, "gas", GasDepartment, "coordinates", InMemoryPorts.T0), tip);

        var logged = Assert.Single(_log.Entries);
        Assert.Equal(4750, logged.EventId.Id);
        Assert.Contains(receipt.Reference, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_contact_reaches_the_tip_record_only_never_the_hazard_its_ledger_the_feed_the_answer_or_the_log()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.ReceiveAsync(new TipLineRequest("Cracked gas riser", Contact: Contact, Category: "gas"), ct);

        var receipt = Assert.IsType<Created<TipReceipt>>(result.Result).Value!;
        var hazard = await _store.FindAsync(receipt.HazardId, ct);
        var everything = string.Join(
            "\n",
            JsonSerializer.Serialize(receipt),
            JsonSerializer.Serialize(hazard),
            JsonSerializer.Serialize(await _store.HistoryAsync(receipt.HazardId, ct)),
            string.Join("\n", (await _feed.ReadAsync(new FeedQuery(Limit: 100, IncludeExercise: true), ct)).Select(e => e.Payload.GetRawText())),
            string.Join("\n", _log.Entries.Select(e => e.Message)));
        Assert.DoesNotContain("13912345678", everything, StringComparison.Ordinal);
        Assert.NotEmpty(await _feed.ReadAsync(new FeedQuery(Limit: 100, IncludeExercise: true), ct)); // the hazard was published, without it
        Assert.Equal(Contact, (await _tips.FindByHazardAsync(receipt.HazardId, ct))!.Contact);
    }

    [Theory]
    [InlineData(null, null, "宝石网格旁边", "g-bs", "address")] // no region given: the address places it
    [InlineData("g-dq", null, "宝石网格旁边", "g-dq", "given")] // a known region the caller named beats the address
    [InlineData("g-nowhere", null, "宝石网格旁边", "g-bs", "address")] // an unknown one is ignored
    [InlineData("g-dq", 120.05, null, "g-bs", "coordinates")] // coordinates in a grid beat a named region
    [InlineData("g-dq", 121.5, null, "g-dq", "given")] // coordinates outside every grid do not
    [InlineData(null, 121.5, "幸福路 8 号", null, "unplaced")] // nothing places it: kept, with no region
    public async Task A_tip_is_placed_by_coordinates_then_a_named_region_then_its_address(
        string? regionId, double? longitude, string? location, string? placedIn, string placement)
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.ReceiveAsync(
            new TipLineRequest("Blocked fire exit", location, RegionId: regionId, Longitude: longitude, Latitude: longitude is null ? null : 30.25), ct);

        var receipt = Assert.IsType<Created<TipReceipt>>(result.Result).Value!;
        Assert.Equal((placedIn, placement), (receipt.RegionId, receipt.Placement));
        Assert.Equal(placedIn, (await _store.FindAsync(receipt.HazardId, ct))!.RegionId);
        Assert.Equal(placement, (await _tips.FindByReferenceAsync(receipt.Reference, ct))!.Placement);
    }

    [Theory]
    [InlineData(null, "gas", "gas", GasDepartment)] // the older field name still sorts
    [InlineData("GAS", "fireworks", "GAS", GasDepartment)] // the category wins over the industry
    [InlineData("  ", "gas", "gas", GasDepartment)] // a blank category is no category
    [InlineData("fireworks", null, "fireworks", DutyRoom)] // a category nobody owns goes to the duty room
    [InlineData(null, null, null, DutyRoom)]
    public async Task A_tip_is_sorted_by_its_category_or_else_its_industry_and_otherwise_to_the_duty_room(
        string? category, string? industry, string? recorded, string department)
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.ReceiveAsync(new TipLineRequest("Smell of gas", Industry: industry, Category: category, Contact: "  "), ct);

        var receipt = Assert.IsType<Created<TipReceipt>>(result.Result).Value!;
        var hazard = (await _store.FindAsync(receipt.HazardId, ct))!;
        var tip = (await _tips.FindByReferenceAsync(receipt.Reference, ct))!;
        Assert.Equal(department, receipt.Department);
        Assert.Equal((recorded, recorded, department), (hazard.Category, hazard.Industry, hazard.Department));
        Assert.Equal((recorded, department, (string?)null), (tip.Category, tip.Department, tip.Contact)); // a blank contact is none
    }

    [Fact]
    public async Task Two_tips_get_two_hazards_and_two_references()
    {
        var ct = TestContext.Current.CancellationToken;

        var first = Assert.IsType<Created<TipReceipt>>((await _commands.ReceiveAsync(new TipLineRequest("one"), ct)).Result).Value!;
        var second = Assert.IsType<Created<TipReceipt>>((await _commands.ReceiveAsync(new TipLineRequest("two"), ct)).Result).Value!;

        Assert.NotEqual(first.Reference, second.Reference);
        Assert.NotEqual(first.HazardId, second.HazardId);
        Assert.Equal(2, (await _store.QueryAsync(new HazardQuery(Limit: 100), ct)).Count);
    }

    private static RegionDefinition Region(string id, string name, RegionLevel level, string? parent, double west, double east) =>
        new(id, name, level, parent, new GeometryFactory().CreatePolygon(
            [new(west, 30.2), new(east, 30.2), new(east, 30.3), new(west, 30.3), new(west, 30.2)]), null);
}
