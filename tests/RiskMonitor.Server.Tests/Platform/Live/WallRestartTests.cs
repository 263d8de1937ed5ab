using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Platform.Live;

/// <summary>
/// The server goes away under an open wall display and comes back (a restart on the same ports and database): the
/// wall shows the outage, reconnects by itself and resyncs, so an alert raised after the restart is on screen.
/// </summary>
public sealed class WallRestartTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private OwnServer _server = null!; // set in InitializeAsync

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task When_the_server_restarts_the_wall_reconnects_by_itself_and_shows_what_happened()
    {
        var ct = TestContext.Current.CancellationToken;
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
            BaseURL = _server.BaseUrl.ToString(),
        });
        await BrowserFixture.SignInAsync(context, "wall.viewer", ["viewer"]);
        var page = await context.NewPageAsync();
        var pageErrors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => pageErrors.Enqueue(error);
        await page.GotoAsync("/wall");
        await page.WaitForSelectorAsync("#connection[data-status='live']", new PageWaitForSelectorOptions { Timeout = 15_000 });

        await _server.StopAppAsync();
        await Assertions.Expect(page.Locator("#connection")).Not.ToHaveAttributeAsync("data-status", "live",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-server-down.png") });
        await _server.StartAppAsync(ct);
        using var mqtt = await _server.ConnectMqttAsync("wall-restart", ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-002/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 88)), ct);

        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-status", "live",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#ticker li").Filter(new LocatorFilterOptions { HasText = "测试管段2" }))
            .ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-after-server-restart.png") });
        Assert.Empty(pageErrors);
    }
}
