using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download is possible here): headless, and without the sandbox
/// because the tests run as root. <c>./test.sh</c> installs the <c>chromium</c> package.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } =
        Path.Combine(Environment.GetEnvironmentVariable("RM_TEST_RESULTS") ?? Path.Combine(AppContext.BaseDirectory, "TestResults"), "screenshots");

    /// <summary>
    /// Opens a page of the server signed in as <paramref name="name"/> with <paramref name="role"/> (scoped to
    /// <paramref name="regions"/> when given), collects console errors and page errors, and waits until its hub
    /// connection is live.
    /// </summary>
    public async Task<(IPage Page, ConcurrentQueue<string> Errors)> OpenLivePageAsync(
        Uri baseUrl, string path, int width, int height, string name, string role, TimeSpan liveWithin, string[]? regions = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = baseUrl.ToString(),
        });
        await SignInAsync(context, name, [role], regions);
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
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("#connection[data-status='live']", new PageWaitForSelectorOptions { Timeout = (float)liveWithin.TotalMilliseconds });
        return (page, errors);
    }

    /// <summary>
    /// Signs every page of <paramref name="context"/> in as the given person before the page's scripts run: a token
    /// in localStorage <c>rm.auth</c>, shaped as the sign-in form stores the token endpoint's answer. Call it before
    /// the first navigation.
    /// </summary>
    public static Task SignInAsync(IBrowserContext context, string name, string[] roles, string[]? regions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var auth = JsonSerializer.Serialize(new
        {
            accessToken = TestIdentity.Token(name, roles, regions),
            tokenType = "Bearer",
            expiresAt = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            name,
            displayName = (string?)null,
            roles,
            regions = regions ?? [],
        });
        // A JSON string is a JavaScript string literal; about:blank has no localStorage, hence the try.
        return context.AddInitScriptAsync($"try {{ localStorage.setItem('rm.auth', {JsonSerializer.Serialize(auth)}); }} catch {{ }}");
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh, which installs Debian's chromium.");
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
