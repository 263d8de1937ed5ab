using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests;

/// <summary>The wall's four-colour map against a server with a real region file: a red reading turns its grids red.</summary>
public sealed class WallMapTests(RiskMapServerFixture server, BrowserFixture browser)
    : IClassFixture<RiskMapServerFixture>, IClassFixture<BrowserFixture>
{
    private const string Red = "#e53935";

    [Fact]
    public async Task A_red_reading_turns_the_grids_its_pipeline_crosses_red_on_the_wall_within_two_seconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
            BaseURL = server.BaseUrl.ToString(),
        });
        await BrowserFixture.SignInAsync(context, "wall.viewer", ["viewer"]);
        var page = await context.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => errors.Enqueue(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue($"{message.Text} ({message.Location})");
            }
        };
        await page.GotoAsync("/wall");
        await page.WaitForSelectorAsync("#connection[data-status='live']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.WaitForFunctionAsync("() => window.riskWall.regionLayers.has('t-g1')");
        var before = await page.EvaluateAsync<string>("() => window.riskWall.regionLayers.get('t-g1').options.fillColor");
        using var mqtt = await server.ConnectMqttAsync("wall-map", ct);

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
}
