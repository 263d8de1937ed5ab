using Microsoft.Playwright;
using RiskMonitor.Server.Tests.Regions;

namespace RiskMonitor.Server.Tests.Platform.Live;

/// <summary>The wall's four-colour map against a server with a real region file: a red reading turns its grids red.</summary>
public sealed class WallMapTests(RiskMapServerFixture server, BrowserFixture browser)
    : IClassFixture<RiskMapServerFixture>, IClassFixture<BrowserFixture>
{
    private const string Red = "#e53935";

    [Fact]
    public async Task A_red_reading_turns_the_grids_its_pipeline_crosses_red_on_the_wall_within_two_seconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var (page, errors) = await browser.OpenLivePageAsync(server.BaseUrl, "/wall", 1920, 1080, "wall.viewer", "viewer", TimeSpan.FromSeconds(15));
        await page.WaitForFunctionAsync("() => window.riskWall.regionLayers.has('t-g1')");
        using var mqtt = await server.ConnectMqttAsync("wall-map", ct);

        // The scoped test of this class may have turned gp-m-001 red already: start from a normal reading.
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 0)), ct);
        await page.WaitForFunctionAsync($"() => window.riskWall.regionLayers.get('t-g1').options.fillColor !== '{Red}'",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var before = await page.EvaluateAsync<string>("() => window.riskWall.regionLayers.get('t-g1').options.fillColor");

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 90)), ct);

        await page.WaitForFunctionAsync(
            $"() => ['t-g1', 't-g2'].every(id => window.riskWall.regionLayers.get(id)?.options.fillColor === '{Red}')",
            null, new PageWaitForFunctionOptions { Timeout = 2_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-grids-red.png") });
        Assert.NotEqual(Red, before);
        Assert.NotEqual(Red, await page.EvaluateAsync<string>("() => window.riskWall.regionLayers.get('t-g4').options.fillColor"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_account_scoped_to_a_district_sees_its_grids_and_figures_and_none_of_another_districts_alerts()
    {
        var ct = TestContext.Current.CancellationToken;
        // A scoped wall asks only for what its account may read: any refused request would be a console error here.
        var (page, errors) = await browser.OpenLivePageAsync(
            server.BaseUrl, "/wall", 1920, 1080, "网格员.东", "operator", TimeSpan.FromSeconds(15), regions: ["t-d2"]);
        await page.WaitForFunctionAsync("() => window.riskWall.regionLayers.has('t-g4')");
        await page.WaitForSelectorAsync("#districts tbody tr");
        using var mqtt = await server.ConnectMqttAsync("wall-scoped", ct);

        // gp-m-001 lies in t-g1 and t-g2, under t-d1: outside this account's district.
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 95)), ct);
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-m-001", ct),
            a => a.GetProperty("total").GetInt32() > 0, TimeSpan.FromSeconds(10), ct);
        await Task.Delay(1_000, ct); // the push would have arrived by now

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-scoped-district.png") });
        Assert.False(await page.EvaluateAsync<bool>("() => window.riskWall.regionLayers.has('t-g1')"));
        Assert.Equal(["t-d2"], await page.EvalOnSelectorAllAsync<string[]>("#districts tbody tr", "rows => rows.map(r => r.dataset.key)"));
        Assert.Equal(0, await page.Locator("#ticker li").CountAsync());
        Assert.Equal("—", await page.TextContentAsync("#kpi-hazards-open"));
        // The hourly panel is the district's own, counted by the server (the city's would include t-d1's red).
        await page.WaitForFunctionAsync("() => window.riskWall.ledgers?.hourly?.cityWide === false");
        Assert.Empty(errors);
    }
}
