using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>Issue 11, request hardening without identities: body size cap, rate limit on public writes, strict JSON.</summary>
public sealed class RequestHardeningTests : IAsyncLifetime
{
    private const int Permits = 5;
    private OwnServer _server = null!; // set in InitializeAsync

    public async ValueTask InitializeAsync() =>
        _server = await OwnServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Http:PublicWritePermitsPerMinute"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Http:MaxRequestBodyBytes"] = "65536",
            },
            TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_tip_line_answers_429_problem_details_past_its_limit_and_other_writes_are_not_limited()
    {
        var ct = TestContext.Current.CancellationToken;
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;

        for (var i = 0; i < Permits + 3; i++)
        {
            var response = await _server.Http.PostAsync("api/hazards/tip-line", Json($$"""{"description":"燃气味 {{i}}","location":"东港路"}"""), ct);
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused ??= response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.All(codes.Take(Permits), c => Assert.True((int)c is >= 200 and < 300, c.ToString()));
        Assert.All(codes.Skip(Permits), c => Assert.Equal(HttpStatusCode.TooManyRequests, c));
        using (var shouted = await _server.Http.PostAsync("API/Hazards/Tip-Line", Json("""{"description":"燃气味","location":"东港路"}"""), ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, shouted.StatusCode); // routing ignores case, so must the limit
        }

        using (refused)
        {
            Assert.Equal("application/problem+json", refused!.Content.Headers.ContentType?.MediaType);
            Assert.True(refused.Headers.RetryAfter is not null);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
        }

        using var report = await _server.Http.PostAsync("api/hazards",
            Json("""{"description":"储罐区报警器失效","level":"general","source":"inspection","actor":"li.wei","regionId":"d-west"}"""), ct);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, report.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_with_413()
    {
        var ct = TestContext.Current.CancellationToken;
        var huge = "{\"description\":\"x\",\"location\":\"" + new string('a', 100_000) + "\"}";

        using var response = await _server.Http.PostAsync("api/hazards", Json(huge), ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("api/alerts/no-such-alert/acknowledge", """{"actor":"li.wei","note":"ok","role":"admin"}""")]
    [InlineData("api/hazards", """{"description":"x","level":"general","source":"inspection","actor":"a","verifiedBy":"me"}""")]
    [InlineData("api/duty/shifts", """{"startsAt":"2026-11-25T08:00:00Z","endsAt":"2026-11-26T08:00:00Z","officer":"a","leader":"b","actor":"c","approved":true}""")]
    public async Task A_body_with_a_member_the_api_does_not_know_is_refused(string path, string body)
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await _server.Http.PostAsync(path, Json(body), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_same_body_without_the_unknown_member_is_accepted()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await _server.Http.PostAsync("api/duty/shifts",
            Json("""{"startsAt":"2030-01-01T08:00:00Z","endsAt":"2030-01-02T08:00:00Z","officer":"a","leader":"b","actor":"c"}"""), ct);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    [Fact]
    public async Task A_too_long_request_target_and_too_large_headers_get_414_and_431_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        using var longTarget = await _server.Http.GetAsync("api/alerts?q=" + new string('a', 9 * 1024), ct);
        using var bigHeaders = new HttpRequestMessage(HttpMethod.Get, "api/alerts");
        for (var i = 0; i < 5; i++)
        {
            bigHeaders.Headers.Add($"X-Filler-{i}", new string('b', 8 * 1024)); // 40 KiB in all, over 32 KiB
        }

        using var headers = await _server.Http.SendAsync(bigHeaders, ct);

        Assert.Equal(HttpStatusCode.RequestUriTooLong, longTarget.StatusCode);
        Assert.Equal("application/problem+json", longTarget.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, headers.StatusCode);
        Assert.Equal("application/problem+json", headers.Content.Headers.ContentType?.MediaType);
        Assert.Equal(431, (await headers.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetInt32());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
