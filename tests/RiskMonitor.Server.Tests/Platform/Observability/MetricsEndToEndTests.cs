using System.Globalization;
using System.Text.RegularExpressions;

namespace RiskMonitor.Server.Tests.Platform.Observability;

/// <summary><c>/metrics</c> on a real server: counters move with the traffic, labelled the way dashboards query them.</summary>
public sealed partial class MetricsEndToEndTests
{
    [Fact]
    public async Task Readings_rejections_alerts_influx_writes_and_connections_show_on_the_prometheus_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await OwnServer.StartAsync(new Dictionary<string, string?>(), ct);
        await using var hub = await server.ConnectHubAsync(ct);
        using var mqtt = await server.ConnectMqttAsync("metrics-test", ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);

        for (var i = 0; i < 5; i++)
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(t0.AddSeconds(i).ToUnixTimeMilliseconds(), ("ch4_lel", 1)), ct);
        }

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-002/telemetry", ServerFixture.Reading(t0.AddSeconds(6).ToUnixTimeMilliseconds(), ("ch4_lel", 80)), ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry", "{not json", ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry", """{"values":{"ch4_lel":"high"}}""", ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/no-such-asset/telemetry", """{"values":{"ch4_lel":1}}""", ct);

        var metrics = await ServerFixture.EventuallyAsync(
            () => ScrapeAsync(server, ct),
            m => m.Find("rm_influx_points_written_total") >= 6 && m.Find("rm_alerts_raised_total", ("severity", "red")) == 1
                && m.Find("rm_ingest_dispatch_queued") == 0,
            TimeSpan.FromSeconds(30), ct);

        Assert.Equal(9, metrics.Value("rm_ingest_messages_total"));
        Assert.Equal(6, metrics.Value("rm_ingest_readings_accepted_total"));
        Assert.Equal(1, metrics.Value("rm_ingest_rejected_total", ("reason", "invalid_json")));
        Assert.Equal(1, metrics.Value("rm_ingest_rejected_total", ("reason", "wrong_type")));
        Assert.Equal(1, metrics.Value("rm_ingest_rejected_total", ("reason", "unknown_asset")));
        Assert.Equal(0, metrics.Value("rm_ingest_rejected_total", ("reason", "oversized")));
        Assert.Equal(6, metrics.Value("rm_ingest_lag_seconds_count"));
        Assert.True(metrics.Value("rm_ingest_lag_seconds_sum") >= 6 * 50, "each reading was stamped about a minute before it was sent");
        Assert.Equal(0, metrics.Value("rm_ingest_dispatch_queued"));
        Assert.Equal(1, metrics.Value("rm_alerts_raised_total", ("severity", "red")));
        Assert.Equal(1, metrics.Value("rm_alerts_open", ("state", "open"), ("severity", "red")));
        Assert.Equal(0, metrics.Value("rm_alerts_open", ("state", "acknowledged"), ("severity", "red")));
        Assert.Equal(6, metrics.Value("rm_influx_points_written_total"));
        Assert.True(metrics.Value("rm_influx_batches_posted_total") >= 1);
        Assert.Equal(0, metrics.Value("rm_influx_spool_points"));
        Assert.Equal(0, metrics.Value("rm_influx_points_dropped_total"));
        Assert.True(metrics.Value("signalr_server_active_connections") >= 1, "the hub connection is counted");
        Assert.True(metrics.Value("http_server_request_duration_seconds_count") >= 1, "earlier scrapes are HTTP requests too");
        Assert.True(metrics.Value("orleans_catalog_activations") >= 3, "asset grains are active");
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.ContainsKey("error_type")); // no exception type names (issue 24 row 4)
    }

    private static async Task<Scrape> ScrapeAsync(OwnServer server, CancellationToken ct)
    {
        using var response = await server.Http.GetAsync("metrics", ct);
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return Scrape.Parse(await response.Content.ReadAsStringAsync(ct));
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)""")]
    private static partial Regex Sample();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Label();

    /// <summary>The Prometheus text format, parsed: each sample's name, labels and value.</summary>
    private sealed record Scrape(IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples)
    {
        public static Scrape Parse(string text) =>
            new([.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => Sample().Match(l)).Where(m => m.Success)
                .Select(m => (m.Groups["name"].Value,
                    (IReadOnlyDictionary<string, string>)Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
                    double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))]);

        /// <summary>The sum over the samples of that name whose labels include these, or null if there is none.</summary>
        public double? Find(string name, params (string Key, string Value)[] labels)
        {
            var matching = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
            return matching.Count == 0 ? null : matching.Sum(s => s.Value);
        }

        /// <summary>As <see cref="Find"/>, but a missing metric fails the test and lists what is there.</summary>
        public double Value(string name, params (string Key, string Value)[] labels)
        {
            var value = Find(name, labels);
            Assert.True(value is not null, $"no sample {name}{{{string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"))}}} on /metrics; names: "
                + string.Join(" ", Samples.Select(s => s.Name).Distinct().Order(StringComparer.Ordinal)));
            return value.Value;
        }
    }
}
