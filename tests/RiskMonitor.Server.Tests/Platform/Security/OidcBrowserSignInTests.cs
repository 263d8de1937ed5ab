using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>
/// With <c>Auth:Authority</c> set, the pages sign in at the authority with the authorization code flow and PKCE, as
/// a public client (docs/decisions/0025). The authority is a small web app: discovery, JWKS, an authorization page
/// that issues a one-time code bound to the PKCE challenge, and a token endpoint that checks the verifier against it.
/// </summary>
public sealed class OidcBrowserSignInTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string ClientId = "riskmonitor-web";
    private const string IdpUser = "chen.jing";

    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new();
    private readonly ConcurrentQueue<string> _authorizeRequests = new();
    private TestAuthority _authority = null!;
    private OwnServer _server = null!;

    private string Issuer => _authority.Issuer;

    private string RedirectUri => new Uri(_server.BaseUrl, "oncall").ToString();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _authority = await TestAuthority.StartAsync(idp =>
        {
            idp.MapGet("/authorize", Authorize);
            idp.MapPost("/authorize", (Func<HttpContext, Task<IResult>>)IssueCodeAsync);
            idp.MapPost("/token", (Func<HttpContext, Task<IResult>>)TokenAsync);
            idp.MapMethods("/{**path}", [HttpMethods.Options], (HttpContext context) =>
            {
                // The CORS preflight, should the browser send one.
                TestAuthority.AllowAnyOrigin(context);
                context.Response.Headers.AccessControlAllowMethods = "GET, POST";
                context.Response.Headers.AccessControlAllowHeaders = "Content-Type, Accept";
                return Results.NoContent();
            });
        }, ct);
        _server = await OwnServer.StartAsync(_authority.ServerSettings, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _authority.DisposeAsync();
    }

    [Fact]
    public async Task The_on_call_page_signs_in_at_the_identity_provider_with_pkce_and_then_shows_the_alerts_live()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await _server.ConnectMqttAsync("browser-oidc-sign-in", ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry",
            ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        using var admin = Client(_authority.Sign(IdpUser, ["admin"]));
        await ServerFixture.EventuallyAsync(() => admin.GetFromJsonAsync<JsonElement>("api/alerts?assetId=gp-t-003", ct),
            a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);

        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 412, Height = 915 },
            BaseURL = _server.BaseUrl.ToString(),
        });
        var page = await context.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => errors.Enqueue(error);
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"{message.Type}: {message.Text}");
        page.RequestFailed += (_, request) => console.Enqueue($"request failed: {request.Url} {request.Failure}");

        await page.GotoAsync("/oncall");

        var idpButton = page.Locator("form#sign-in button#sign-in-oidc");
        await Assertions.Expect(idpButton).ToBeVisibleAsync();
        await Assertions.Expect(idpButton).ToContainTextAsync("统一身份认证");
        await Assertions.Expect(page.Locator("input[type='password']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-oidc-sign-in.png") });

        // Refused at the authority: the page says so and offers the button again.
        await idpButton.ClickAsync();
        await ToAuthorityAsync(page, console);
        await page.ClickAsync("#idp-refuse");
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("access_denied", new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await Assertions.Expect(page).ToHaveURLAsync(RedirectUri);

        await idpButton.ClickAsync();
        await ToAuthorityAsync(page, console);
        await page.ClickAsync("#idp-sign-in");

        // Back on the page, which takes code and state out of its address (history.replaceState: polled, no navigation).
        await Assertions.Expect(page).ToHaveURLAsync(RedirectUri, new PageAssertionsToHaveURLOptions { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("form#sign-in")).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync(IdpUser, new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-status", "live",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#alerts li").Filter(new LocatorFilterOptions { HasText = "测试管段3" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-oidc-signed-in.png") });

        Assert.Equal(2, _authorizeRequests.Count);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(_authorizeRequests.Last()).Query);
        Assert.NotEqual(System.Web.HttpUtility.ParseQueryString(new Uri(_authorizeRequests.First()).Query)["state"], query["state"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(RedirectUri, query["redirect_uri"]);
        Assert.Equal("openid profile", query["scope"]);
        Assert.True(query["state"]?.Length >= 32, "state: " + query["state"]);
        var stored = JsonDocument.Parse(await page.EvaluateAsync<string>("() => localStorage.getItem('rm.auth')")).RootElement;
        Assert.Equal(IdpUser, stored.GetProperty("name").GetString());
        Assert.Equal(["operator"], stored.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(stored.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('rm.oidc')")); // the verifier is used up
        Assert.Empty(errors);
    }

    /// <summary>
    /// Waits for the authority's page by polling the address: WaitForURL also waits for a load event it can miss when a
    /// script navigates (seen on a busy machine: the page was there and the wait timed out). On a timeout the failure
    /// says what the page showed and logged.
    /// </summary>
    private async Task ToAuthorityAsync(IPage page, ConcurrentQueue<string> console)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Issuer) + "/authorize\\?"),
                new PageAssertionsToHaveURLOptions { Timeout = 20_000 });
        }
        catch (PlaywrightException)
        {
            var shown = await page.EvaluateAsync<string>("() => location.href + ' | ' + (document.body?.innerText ?? '').slice(0, 300)");
            Assert.Fail($"not sent to the authority; page shows '{shown}', console: {string.Join(" | ", console)}");
        }
    }

    [Fact]
    public async Task The_fake_authority_refuses_a_code_with_the_wrong_verifier()
    {
        var ct = TestContext.Current.CancellationToken;
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var idp = new HttpClient(handler) { BaseAddress = new Uri(Issuer), Timeout = TimeSpan.FromSeconds(30) };
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

        var refused = await ExchangeAsync(await CodeAsync(), Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));
        var accepted = await ExchangeAsync(await CodeAsync(), verifier);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_grant", refused.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("Bearer", accepted.Body.GetProperty("token_type").GetString());
        using var api = Client(accepted.Body.GetProperty("access_token").GetString()!);
        var me = await api.GetFromJsonAsync<JsonElement>("api/auth/me", ct);
        Assert.Equal(IdpUser, me.GetProperty("name").GetString()); // and the server takes the authority's token

        async Task<string> CodeAsync()
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = ClientId,
                ["redirect_uri"] = RedirectUri,
                ["state"] = "s-1",
                ["code_challenge"] = Challenge(verifier),
                ["username"] = IdpUser,
            });
            using var response = await idp.PostAsync("authorize", form, ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query)["code"]!;
        }

        async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(string code, string codeVerifier)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = RedirectUri,
                ["client_id"] = ClientId,
                ["code_verifier"] = codeVerifier,
            });
            using var response = await idp.PostAsync("token", form, ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ct));
        }
    }

    private IResult Authorize(HttpContext context)
    {
        _authorizeRequests.Enqueue(context.Request.GetEncodedUrl());
        var q = context.Request.Query;
        if (q["response_type"] != "code" || q["client_id"] != ClientId || q["redirect_uri"] != RedirectUri ||
            q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["state"]))
        {
            return Results.BadRequest("invalid_request");
        }

        string Hidden(string name) => $"<input type=\"hidden\" name=\"{name}\" value=\"{WebUtility.HtmlEncode(q[name].ToString())}\">";
        return Results.Content($"""
            <!doctype html><html><head><meta charset="utf-8"><title>城市统一身份认证</title></head>
            <body><h1>城市统一身份认证 (test authority)</h1>
            <form method="post" action="/authorize">
            {Hidden("client_id")}{Hidden("redirect_uri")}{Hidden("state")}{Hidden("code_challenge")}
            <label>user <input name="username" value="{IdpUser}"></label>
            <button type="submit" id="idp-sign-in">sign in</button>
            <button type="submit" id="idp-refuse" name="refuse" value="1">refuse</button>
            </form></body></html>
            """, "text/html; charset=utf-8");
    }

    private async Task<IResult> IssueCodeAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["client_id"] != ClientId || form["redirect_uri"] != RedirectUri || string.IsNullOrEmpty(form["code_challenge"]))
        {
            return Results.BadRequest("invalid_request");
        }

        var state = Uri.EscapeDataString(form["state"].ToString());
        if (form.ContainsKey("refuse"))
        {
            return Results.Redirect($"{form["redirect_uri"]}?error=access_denied&error_description=refused&state={state}");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new IssuedCode(form["client_id"].ToString(), form["redirect_uri"].ToString(), form["code_challenge"].ToString(), form["username"].ToString());
        return Results.Redirect($"{form["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={state}");
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        TestAuthority.AllowAnyOrigin(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        // One use per code, whatever the outcome.
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var issued) ||
            issued.ClientId != form["client_id"] || issued.RedirectUri != form["redirect_uri"] ||
            string.IsNullOrEmpty(form["code_verifier"]) || Challenge(form["code_verifier"].ToString()) != issued.Challenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Json(new { access_token = _authority.Sign(issued.User, ["operator"]), token_type = "Bearer", expires_in = 3600 });
    }

    private static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = _server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    private sealed record IssuedCode(string ClientId, string RedirectUri, string Challenge, string User);
}
