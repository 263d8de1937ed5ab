using System.Net;
using System.Text;

namespace RiskMonitor.Server.Tests.Platform.Http;

/// <summary>Issue 24 row 8: enum members by name only, and the public tip line's fields have bounds.</summary>
public sealed class RequestShapeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string> Requests => new()
    {
        { "api/hazards", """{"description":"井盖缺失","level":7}""" },
        { "api/hazards", """{"description":"井盖缺失","source":0}""" },
        { "api/hazards/tip-line", "{\"description\":\"燃气味\",\"location\":\"" + new string('路', 501) + "\"}" },
        { "api/hazards/tip-line", "{\"description\":\"燃气味\",\"contact\":\"" + new string('1', 201) + "\"}" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Integer_enums_and_unbounded_tip_line_fields_get_400_problem_details(string path, string body)
    {
        var ct = TestContext.Current.CancellationToken;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync(path, content, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_tip_with_bounded_fields_is_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        using var content = new StringContent("""{"description":"燃气味","location":"东港路 12 号","contact":"13800000000"}""", Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync("api/hazards/tip-line", content, ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
