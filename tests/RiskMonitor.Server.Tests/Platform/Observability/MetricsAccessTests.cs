using System.Globalization;
using System.Net;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Platform.Observability;

/// <summary>
/// Issue 24 row 9: configured as the chart does, <c>/metrics</c> is served only on its own port, and with a key only to
/// whoever presents it (decision 0030).
/// </summary>
public sealed class MetricsAccessTests
{
    private const string Key = "metrics-key-0123456789abcdef";

    [Fact]
    public async Task Metrics_are_served_on_their_own_port_to_the_key_holder_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var metricsPort = FreePort.Next();
        await using var server = await OwnServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
                ["Metrics:Key"] = Key,
            },
            ct, alsoListenOn: [metricsPort]);
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}/") };
        using var scraper = new HttpClient { BaseAddress = anonymous.BaseAddress };
        scraper.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        using var wrongKey = new HttpClient { BaseAddress = anonymous.BaseAddress };
        wrongKey.DefaultRequestHeaders.Authorization = new("Bearer", Key + "x");

        using var onApiPort = await server.Http.GetAsync("metrics", ct);
        using var withoutKey = await anonymous.GetAsync("metrics", ct);
        using var withWrongKey = await wrongKey.GetAsync("metrics", ct);
        using var withKey = await scraper.GetAsync("metrics", ct);

        Assert.Equal(HttpStatusCode.NotFound, onApiPort.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal("application/problem+json", withoutKey.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Contains("rm_ingest_messages_total", await withKey.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }
}
