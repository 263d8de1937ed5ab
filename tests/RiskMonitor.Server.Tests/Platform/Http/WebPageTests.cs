using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>The wall display and the on-call page in a real browser against the real server, fed over MQTT.</summary>
public sealed class WebPageTests(ServerFixture server, BrowserFixture browser) : IClassFixture<ServerFixture>, IClassFixture<BrowserFixture>
{
    /// <summary>The wall's account: a viewer, city-wide, which is all a wall display needs.</summary>
    private const string WallViewer = "wall.viewer";

    private Task<(IPage Page, ConcurrentQueue<string> Errors)> OpenAsync(
        string path, int width = 1920, int height = 1080, string name = WallViewer, string role = "viewer") =>
        browser.OpenLivePageAsync(server.BaseUrl, path, width, height, name, role, TimeSpan.FromSeconds(15));

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png") });

    [Fact]
    public async Task A_red_reading_published_over_mqtt_shows_on_the_wall_within_two_seconds_and_acknowledging_it_on_call_updates_the_wall()
    {
        var ct = TestContext.Current.CancellationToken;
        var (wall, wallErrors) = await OpenAsync("/wall");
        using var mqtt = await server.ConnectMqttAsync("browser-red", ct);

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-010/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 75)), ct);

        var item = wall.Locator("#ticker li[data-severity='red']").Filter(new LocatorFilterOptions { HasText = "测试管段10" });
        await Assertions.Expect(item).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 2_000 });
        await Assertions.Expect(wall.Locator("#kpi-red")).Not.ToHaveTextAsync("0");
        await ScreenshotAsync(wall, "wall-red-alert");
        var alertId = await item.GetAttributeAsync("data-alert-id");

        var (onCall, onCallErrors) = await OpenAsync("/oncall", 412, 915, "li.wei", "operator");
        await Assertions.Expect(onCall.Locator("#who")).ToContainTextAsync("li.wei");
        await onCall.Locator($"#alerts li[data-alert-id='{alertId}']").ClickAsync();
        await onCall.Locator("button[data-action='acknowledge']").ClickAsync();
        await Assertions.Expect(onCall.Locator("#action-result")).ToContainTextAsync("已确认"); // the state, in the page's default Chinese
        await Assertions.Expect(onCall.Locator("#history li").Filter(new LocatorFilterOptions { HasText = "li.wei" })).Not.ToHaveCountAsync(0);
        await onCall.Locator("#tab-hazards").ClickAsync();
        await Assertions.Expect(onCall.Locator("#hazards")).ToBeVisibleAsync();
        await ScreenshotAsync(onCall, "oncall-acknowledged");

        await Assertions.Expect(wall.Locator($"#ticker li[data-alert-id='{alertId}']"))
            .ToHaveAttributeAsync("data-state", "acknowledged", new LocatorAssertionsToHaveAttributeOptions { Timeout = 3_000 });
        Assert.Empty(wallErrors);
        Assert.Empty(onCallErrors);
    }

    [Fact]
    public async Task After_its_connection_drops_the_wall_resyncs_and_shows_what_happened_meanwhile()
    {
        var ct = TestContext.Current.CancellationToken;
        var (wall, errors) = await OpenAsync("/wall");
        using var mqtt = await server.ConnectMqttAsync("browser-resync", ct);

        await wall.EvaluateAsync("() => window.riskHub.stop()");
        await Assertions.Expect(wall.Locator("#connection")).Not.ToHaveAttributeAsync("data-status", "live");
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-011/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 80)), ct);
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-011", ct),
            a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);

        await Assertions.Expect(wall.Locator("#connection")).ToHaveAttributeAsync("data-status", "live",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 });
        await Assertions.Expect(wall.Locator("#ticker li").Filter(new LocatorFilterOptions { HasText = "测试管段11" }))
            .ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 5_000 });
        await ScreenshotAsync(wall, "wall-after-resync");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_pages_and_their_libraries_are_served_from_the_server_itself()
    {
        var ct = TestContext.Current.CancellationToken;

        foreach (var path in new[] { "wall", "oncall", "lib/signalr.min.js", "lib/leaflet/leaflet.js", "lib/uplot/uPlot.iife.min.js", "js/common.js" })
        {
            var response = await server.Http.GetAsync(path, ct);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
        }

        var html = await server.Http.GetStringAsync("wall", ct);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }
}
