using System.Net;
using System.Text;
using CsCheck;

namespace RiskMonitor.Server.Tests.Hostile;

/// <summary>
/// Issue 11, hostile input over HTTP: random and broken JSON bodies against the write endpoints of a real server. Every
/// answer is a client error with problem details or a success; never a 5xx, never a stack trace; good bodies still work.
/// </summary>
public sealed class ApiBodyPropertyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Endpoints =
    [
        "api/hazards/tip-line",
        "api/hazards",
        "api/alerts/no-such-alert/acknowledge",
        "api/alerts/no-such-alert/report",
        "api/duty/shifts",
        "api/hazards/no-such-hazard/assign",
    ];

    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (3, HostileGen.AnyJson(3).Select(Encoding.UTF8.GetBytes)),
        (2, HostileGen.Broken(Gen.OneOf(
            """{"description":"燃气味","location":"东港路 12 号","contact":"138****"}""",
            """{"actor":"li.wei","note":"on my way"}""",
            """{"startsAt":"2026-11-25T08:00:00Z","endsAt":"2026-11-26T08:00:00Z","officer":"a","leader":"b","actor":"c"}"""))),
        (1, Gen.Byte.Array[0, 300]));

    [Fact]
    public async Task Random_bodies_get_problem_details_or_success_and_never_a_server_error()
    {
        var ct = TestContext.Current.CancellationToken;

        await Gen.Select(Gen.OneOf(Endpoints), Body).SampleAsync(async (path, body) =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            using var response = await server.Http.PostAsync(path, content, ct);

            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {path}: {text}");
            if (!response.IsSuccessStatusCode)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }, iter: 600, threads: 2, print: t => $"POST {t.Item1} {Encoding.UTF8.GetString(t.Item2)}");

        using var ready = await server.Http.GetAsync("health/ready", ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // The tip line itself may be past its per-client rate limit by now (429 is a right answer above), so the good
        // body goes to the inspection report, which is not limited.
        using var good = await server.Http.PostAsync("api/hazards",
            new StringContent("""{"description":"井盖下有燃气味","location":"东港路 12 号","level":"general","source":"inspection","actor":"li.wei"}""", Encoding.UTF8, "application/json"), ct);
        Assert.True(good.IsSuccessStatusCode, $"{(int)good.StatusCode}");
    }
}
