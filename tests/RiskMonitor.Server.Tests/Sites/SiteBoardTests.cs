using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Sites;

/// <summary>The server on the checked-in demo city: its registry (with the site properties) and its regions.</summary>
public sealed class DemoCityServerFixture : ServerFixture
{
    public static string RepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relativePath} not found above {AppContext.BaseDirectory}");
    }

    protected override string AssetsGeoJson() => File.ReadAllText(RepositoryFile("data/demo-city/assets.geojson"));

    protected override string? RegionsGeoJson() => File.ReadAllText(RepositoryFile("data/demo-city/regions.geojson"));
}

/// <summary>一图一牌三清单 of a demo hazard source: the JSON against the registry files, live colours, the printable page.</summary>
public sealed class SiteBoardTests(DemoCityServerFixture server, BrowserFixture browser)
    : IClassFixture<DemoCityServerFixture>, IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_board_of_a_chlorine_tank_lists_its_units_tanks_hazards_contacts_and_grid_chain_and_shows_a_red_reading()
    {
        var ct = TestContext.Current.CancellationToken;
        using var registry = JsonDocument.Parse(await File.ReadAllTextAsync(DemoCityServerFixture.RepositoryFile("data/demo-city/assets.geojson"), ct));
        var features = registry.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToList();
        var site = features.Single(p => p.GetProperty("id").GetString() == "hz-0001");
        var owner = site.GetProperty("ownerUnit").GetString();
        var tanks = features.Where(p => p.GetProperty("kind").GetString() == "hazard_source" && p.GetProperty("ownerUnit").GetString() == owner)
            .Select(p => p.GetProperty("id").GetString()).Order(StringComparer.Ordinal).ToList();
        var yellowTank = features.First(p => tanks.Contains(p.GetProperty("id").GetString()) && p.GetProperty("inherentLevel").GetString() == "yellow")
            .GetProperty("id").GetString()!;

        using var mqtt = await server.ConnectMqttAsync("e2e-site-board", ct);
        await ServerFixture.PublishAsync(mqtt, $"rm/v1/{yellowTank}/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("toxic_ppm", 55)), ct);
        var board = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/sites/hz-0001/board", ct),
            b => Point(b, yellowTank).GetProperty("colour").GetString() == "red", Patience, ct);

        var notice = board.GetProperty("noticeBoard");
        Assert.Equal(owner, notice.GetProperty("unit").GetString());
        Assert.Equal(tanks, notice.GetProperty("riskPoints").EnumerateArray().Select(p => p.GetProperty("assetId").GetString()));
        Assert.Equal(("red", "red"), (Point(board, yellowTank).GetProperty("colour").GetString(), Point(board, yellowTank).GetProperty("level").GetString()));
        Assert.Equal("液氯", Point(board, "hz-0001").GetProperty("substance").GetString());
        Assert.Contains("急性毒性（吸入）", notice.GetProperty("mainHazards").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(site.GetProperty("responsible").GetProperty("name").GetString(), notice.GetProperty("responsible").GetProperty("name").GetString());
        Assert.Contains(notice.GetProperty("emergencyContacts").EnumerateArray(), c => c.GetProperty("role").GetString() == "企业值班室");

        var grid = board.GetProperty("regionId").GetString()!;
        var gridSupervisor = (await server.GetJsonAsync($"api/regions/{grid}", ct)).GetProperty("supervisor").GetProperty("name").GetString();
        Assert.Contains(board.GetProperty("responsibilityList").EnumerateArray(), r => r.GetProperty("name").GetString() == gridSupervisor);
        Assert.NotEqual(0, board.GetProperty("controlMeasureList").GetArrayLength());
        Assert.Contains(board.GetProperty("emergencyResponseList").EnumerateArray(), r => r.GetProperty("scenario").GetString() == "液氯泄漏");

        var nearby = board.GetProperty("map").GetProperty("nearby").EnumerateArray().ToList();
        Assert.Contains(nearby, a => a.GetProperty("assetId").GetString() == yellowTank);
        Assert.All(nearby, a => Assert.InRange(a.GetProperty("distanceM").GetDouble(), 0, 500));
        Assert.Equal("Point", board.GetProperty("map").GetProperty("site").GetProperty("geometry").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_reader_scoped_to_the_sites_grid_sees_no_nearby_asset_outside_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var cityWide = await server.GetJsonAsync("api/sites/hz-0001/board?radiusM=5000", ct);
        var grid = cityWide.GetProperty("regionId").GetString()!;
        using var scoped = TestIdentity.Client(server.BaseUrl, "grid.reader", ["viewer"], [grid]);

        var board = await scoped.GetFromJsonAsync<JsonElement>("api/sites/hz-0001/board?radiusM=5000", ct);

        // Which assets lie outside the grid is the server's own answer to the same reader, asked by id.
        async Task<bool> InScope(string id) => (await scoped.GetAsync($"api/assets/{id}", ct)).StatusCode == HttpStatusCode.OK;
        var everyNearby = Ids(cityWide, "map", "nearby").Concat(Ids(cityWide, "noticeBoard", "riskPoints")).Distinct().ToList();
        var outside = new List<string>();
        foreach (var id in everyNearby)
        {
            if (!await InScope(id))
            {
                outside.Add(id);
            }
        }

        Assert.NotEmpty(outside); // 5 km around the site reaches other grids, so the test means something
        var seen = Ids(board, "map", "nearby").Concat(Ids(board, "noticeBoard", "riskPoints")).ToList();
        Assert.NotEmpty(seen);
        Assert.Empty(seen.Intersect(outside));
        Assert.Equal(everyNearby.Except(outside).Order(StringComparer.Ordinal), seen.Distinct().Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> Ids(JsonElement board, string section, string list) =>
        board.GetProperty(section).GetProperty(list).EnumerateArray().Select(a => a.GetProperty("assetId").GetString()!);

    [Theory]
    [InlineData("api/sites/el-0001/board", HttpStatusCode.NotFound)]
    [InlineData("api/sites/nope/board", HttpStatusCode.NotFound)]
    [InlineData("api/sites/hz-0001/board?radiusM=1", HttpStatusCode.BadRequest)]
    public async Task Boards_exist_only_for_sites(string path, HttpStatusCode expected)
    {
        var response = await server.Http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_asset_list_filtered_by_a_district_holds_the_assets_of_its_grids()
    {
        var ct = TestContext.Current.CancellationToken;
        var district = await server.GetJsonAsync("api/assets?regionId=d-gongshu&limit=10000", ct);
        var city = await server.GetJsonAsync("api/assets?limit=10000", ct);

        // An asset is shown in its first grid; a pipeline crossing a district line is in the other district's list too.
        var inGongshu = city.GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("regionId").GetString()!.StartsWith("g-gongshu-", StringComparison.Ordinal))
            .Select(a => a.GetProperty("assetId").GetString()!).ToHashSet();
        var listed = district.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(inGongshu);
        Assert.Subset(listed.Select(a => a.GetProperty("assetId").GetString()!).ToHashSet(), inGongshu);
        Assert.All(listed.Where(a => !inGongshu.Contains(a.GetProperty("assetId").GetString()!)),
            a => Assert.Equal("gas_pipeline", a.GetProperty("kind").GetString()));
        var grid = city.GetProperty("items")[0].GetProperty("regionId").GetString();
        var byGrid = await server.GetJsonAsync($"api/assets?regionId={grid}&limit=10000", ct);
        Assert.Contains(byGrid.GetProperty("items").EnumerateArray(), a => a.GetProperty("regionId").GetString() == grid);
        Assert.All(byGrid.GetProperty("items").EnumerateArray().Where(a => a.GetProperty("regionId").GetString() != grid),
            a => Assert.Equal("gas_pipeline", a.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task The_printable_page_shows_the_map_the_notice_board_and_the_three_lists_without_console_errors()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1100, Height = 1400 },
            BaseURL = server.BaseUrl.ToString(),
        });
        await BrowserFixture.SignInAsync(context, "wall.viewer", ["viewer"]);
        var page = await context.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => errors.Enqueue(error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                errors.Enqueue($"{response.Status} {response.Url}");
            }
        };

        var response = await page.GotoAsync("/sites/gs-0001/board");
        Assert.True(response?.Ok, $"the page itself is anonymous, the API behind it is not: {response?.Status}");
        await page.WaitForSelectorAsync("#board[data-status='ready']", new PageWaitForSelectorOptions { Timeout = 15_000 });

        await Assertions.Expect(page.Locator("#title")).ToContainTextAsync("一图一牌三清单");
        await Assertions.Expect(page.Locator("#map [data-asset-id='gs-0001']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#notice-board")).ToContainTextAsync("安全风险告知牌");
        await Assertions.Expect(page.Locator("#contacts")).ToContainTextAsync("企业值班室");
        foreach (var list in new[] { "#responsibility-list", "#control-measure-list", "#emergency-response-list" })
        {
            await Assertions.Expect(page.Locator($"{list} tbody tr")).Not.ToHaveCountAsync(0);
        }

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Assertions.Expect(page.Locator("#print")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "site-board-print.png"), FullPage = true });
        Assert.Empty(errors);
        await context.CloseAsync();
    }

    private static JsonElement Point(JsonElement board, string assetId) =>
        board.GetProperty("noticeBoard").GetProperty("riskPoints").EnumerateArray().Single(p => p.GetProperty("assetId").GetString() == assetId);
}
