using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>The test server with one real account, seeded from configuration (<c>Auth:Users</c>) into the empty store.</summary>
public sealed class SignInServerFixture : ServerFixture
{
    public const string UserName = "zhao.min";
    public const string Password = "correct-horse-battery";

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Auth:Users:0:Name"] = UserName;
        settings["Auth:Users:0:Password"] = Password;
        settings["Auth:Users:0:Roles:0"] = "operator";
        return settings;
    }
}

/// <summary>The sign-in form of the pages (issue 11): shown before anything loads, refusing a wrong password, then the page.</summary>
public sealed class SignInPageTests(SignInServerFixture server, BrowserFixture browser)
    : IClassFixture<SignInServerFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Without_a_token_the_on_call_page_asks_for_a_sign_in_refuses_a_wrong_password_and_then_shows_the_alerts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("browser-sign-in", ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-007/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-007", ct),
            a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 412, Height = 915 },
            BaseURL = server.BaseUrl.ToString(),
        });
        var page = await context.NewPageAsync();
        var apiCalls = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            // The anonymous page settings (which sign-in to show) are the one request allowed before signing in.
            if (!request.Url.EndsWith("/api/ui/config", StringComparison.Ordinal) &&
                (request.Url.Contains("/api/", StringComparison.Ordinal) || request.Url.Contains("/hubs/", StringComparison.Ordinal)))
            {
                apiCalls.Enqueue(request.Url);
            }
        };

        await page.GotoAsync("/oncall");

        var form = page.Locator("form#sign-in");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-sign-in.png") });
        Assert.Empty(apiCalls); // nothing but the page settings is fetched before someone signs in
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-status", "connecting");

        await page.FillAsync("#sign-in-user", SignInServerFixture.UserName);
        await page.FillAsync("#sign-in-password", "not-the-password-at-all");
        await page.ClickAsync("form#sign-in button[type='submit']");
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("wrong", new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-sign-in-refused.png") });
        await Assertions.Expect(form).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('rm.auth')"));

        await page.FillAsync("#sign-in-password", SignInServerFixture.Password);
        await page.ClickAsync("form#sign-in button[type='submit']");

        await Assertions.Expect(form).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-status", "live",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#alerts li").Filter(new LocatorFilterOptions { HasText = "测试管段7" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync(SignInServerFixture.UserName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-signed-in.png") });

        await page.Locator("#who button.sign-out").ClickAsync();
        await Assertions.Expect(form).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('rm.auth')"));

        // The wall (dark) asks the same way.
        var wall = await context.NewPageAsync();
        await wall.SetViewportSizeAsync(1920, 1080);
        await wall.GotoAsync("/wall");
        await Assertions.Expect(wall.Locator("form#sign-in")).ToBeVisibleAsync();
        await wall.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-sign-in.png") });
    }
}
