using System.Net;
using System.Text;
using System.Text.Json;
using RiskMonitor.Server.Platform.Http;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>
/// Issue 24 row 4: NUL and other control characters, NaN and extreme dates are refused at the edge with 400 problem
/// details; they used to reach PostgreSQL or arithmetic and answer 500 (anonymously on the tip line).
/// </summary>
public sealed class InputHygieneTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, string?> Requests => new()
    {
        { "POST", "api/hazards/tip-line", """{"description":"燃气\u0000味","location":"东港路 12 号","contact":"138"}""" },
        { "POST", "api/hazards", """{"description":"井盖\u0000","location":"x","level":"general","source":"inspection"}""" },
        { "POST", "api/alerts/gp-t-001~no-rule/comment", """{"note":"on my way\u0000"}""" },
        { "POST", "api/silences", """{"scope":"asset","target":"gp-t-001","durationMinutes":30,"reason":"valve\u0000"}""" },
        { "POST", "api/silences", """{"scope":"asset","target":"gp-t-001","startsAt":"9999-12-31T00:00:00Z","endsAt":"9999-12-31T10:00:00Z","reason":"far future"}""" },
        { "PUT", "api/users/nul.user", """{"roles":["viewer"],"password":"a-long-enough-pass","displayName":"\u0000"}""" },
        { "POST", "api/duty/shifts", """{"startsAt":"0001-01-01T00:00:00Z","endsAt":"0001-01-01T08:00:00Z","officer":"a","leader":"b"}""" },
        { "GET", "api/incidents?distanceM=NaN", null },
        { "GET", "api/sites/gp-t-001/board?radiusM=NaN", null },
        { "GET", "api/incidents?distanceM=Infinity", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Control_characters_non_finite_numbers_and_extreme_dates_get_400_problem_details(string method, string path, string? body)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await server.Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out _), text);
    }

    [Theory]
    [InlineData("plain 文本\twith tab\r\nand lines", true)]
    [InlineData("emoji 🚒 paired surrogates", true)]
    [InlineData("nul \0", false)]
    [InlineData("bell \a", false)]
    [InlineData("del \u007f", false)]
    [InlineData("c1 \u0085", false)]
    public void Strings_are_checked_for_control_characters_and_unpaired_surrogates(string text, bool clean)
    {
        Assert.Equal(clean, InputHygiene.Problem(text) is null);
    }

    [Fact]
    public void A_string_with_an_unpaired_surrogate_is_refused()
    {
        Assert.NotNull(InputHygiene.Problem("lone " + (char)0xDC00));
        Assert.NotNull(InputHygiene.Problem((char)0xD800 + " first"));
    }

    [Fact]
    public void A_json_body_escaping_half_a_surrogate_pair_is_a_problem_not_an_exception()
    {
        // The registry takes its GeoJSON Feature as a JsonElement; "\ud800" parses but cannot be read as text (was a 500).
        using var body = JsonDocument.Parse("""{"type":"Feature","properties":{"name":"\ud800"}}""");
        var problems = new Dictionary<string, string[]>();

        InputHygiene.Check(body.RootElement, "feature", problems);

        Assert.Equal(["feature.properties.name"], problems.Keys);
    }
}
