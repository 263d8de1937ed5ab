using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Rules;

/// <summary>
/// Rules as managed configuration on a real server (decision 0043): PostgreSQL holds the versions (seeded from the rule
/// file), a change over the API changes the next alert without a restart, bad definitions change nothing.
/// </summary>
public sealed partial class RuleManagementEndToEndTests(ServerFixture server, BrowserFixture browser) : IClassFixture<ServerFixture>, IClassFixture<BrowserFixture>
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    // As a person would write it: indented, Chinese descriptions as they are.
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task A_rule_changed_over_the_api_changes_the_next_alert_and_a_rollback_restores_the_earlier_rules()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        using var mqtt = await server.ConnectMqttAsync("rules-e2e", ct);
        // The asset is running (its grain active, its rules built) before the change: the change must reach it live.
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-013/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 1)), ct);
        await AssetSeenAsync("gp-t-013", ct);
        var (baseVersion, document) = await CurrentAsync(supervisor, ct);

        // Red at 20 % LEL for this one asset only.
        var edited = Edit(document, root => Assets(root)["gp-t-013"] = new JsonObject
        {
            ["thresholds"] = new JsonArray(new JsonObject
            {
                ["ruleId"] = "ch4_lel.high",
                ["metric"] = "ch4_lel",
                ["direction"] = "above",
                ["levels"] = new JsonObject { ["yellow"] = 10, ["red"] = 20 },
            }),
        });
        var preview = await ReadAsync(await supervisor.PostAsJsonAsync("api/rules/preview", new { document = edited }, ct), ct);
        var versionAfterPreview = (await CurrentAsync(supervisor, ct)).Version;
        var changed = await supervisor.PutAsJsonAsync("api/rules", new { baseVersion, document = edited, reason = "gp-t-013 runs beside a school" }, ct);
        var change = await ReadAsync(changed, ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-013/telemetry", ServerFixture.Reading(t0.AddSeconds(5).ToUnixTimeMilliseconds(), ("ch4_lel", 30)), ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-014/telemetry", ServerFixture.Reading(t0.AddSeconds(5).ToUnixTimeMilliseconds(), ("ch4_lel", 30)), ct);
        var changedAsset = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/assets/gp-t-013", ct), a => a.GetProperty("level").GetString() == "red", TimeSpan.FromSeconds(60), ct);
        var neighbour = await AssetSeenAsync("gp-t-014", ct);

        Assert.Equal(1, preview.GetProperty("affectedCount").GetInt32());
        var listed = Assert.Single(preview.GetProperty("assets").EnumerateArray());
        Assert.Equal("gp-t-013", listed.GetProperty("assetId").GetString());
        Assert.Equal(["ch4_lel.high"], listed.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(baseVersion, versionAfterPreview); // a preview applies nothing
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(baseVersion + 1, change.GetProperty("version").GetProperty("version").GetInt64());
        Assert.Equal("zhang.min", change.GetProperty("version").GetProperty("author").GetString());
        Assert.Equal(1, change.GetProperty("affectedCount").GetInt32());
        var alert = Assert.Single(changedAsset.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("ruleId").GetString() == "ch4_lel.high");
        Assert.Equal("red", alert.GetProperty("level").GetString());
        Assert.NotEqual("red", neighbour.GetProperty("level").GetString()); // same reading, kind rules: red is 50

        var rolledBack = await supervisor.PostAsJsonAsync("api/rules/rollback", new { toVersion = baseVersion, baseVersion = baseVersion + 1, reason = "school closed" }, ct);
        var rollback = await ReadAsync(rolledBack, ct);
        var assetRules = await server.GetJsonAsync("api/rules/assets/gp-t-013", ct);
        var history = await server.GetJsonAsync("api/rules/versions", ct);

        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        Assert.Equal(("rollback", baseVersion), (rollback.GetProperty("version").GetProperty("action").GetString(), rollback.GetProperty("version").GetProperty("restoredFrom").GetInt64()));
        Assert.False(assetRules.GetProperty("hasOverride").GetBoolean());
        Assert.Equal(baseVersion + 2, assetRules.GetProperty("rulesVersion").GetInt64());
        Assert.Equal(["rollback", "change"], history.EnumerateArray().Take(2).Select(v => v.GetProperty("action").GetString()));
        Assert.Equal("seed", history.EnumerateArray().Last().GetProperty("action").GetString());
    }

    [Theory]
    [InlineData("unknown metric", "ch4_ppm")]
    [InlineData("k above n", "spikeCount must be between 1 and spikeWindowSamples (4), not 8")]
    [InlineData("k above n in a group", "k = 4 must be between 2 and the 3 members")]
    [InlineData("negative window", "-3")]
    [InlineData("cyclic override", "'extends' forms a cycle")]
    public async Task A_bad_definition_is_refused_with_problem_details_and_no_change_is_applied(string mistake, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        var (version, document) = await CurrentAsync(supervisor, ct);
        var bad = Edit(document, root =>
        {
            var pipeline = root["kinds"]!["gas_pipeline"]!.AsObject();
            switch (mistake)
            {
                case "unknown metric":
                    pipeline["forecasts"]!.AsArray().Add(new JsonObject { ["metric"] = "ch4_ppm", ["direction"] = "above", ["threshold"] = 50 });
                    break;
                case "k above n":
                    pipeline["sensorHealth"]!.AsArray()[1]!["spikeDelta"] = 5;
                    pipeline["sensorHealth"]!.AsArray()[1]!["spikeCount"] = 8;
                    pipeline["sensorHealth"]!.AsArray()[1]!["spikeWindowSamples"] = 4;
                    break;
                case "k above n in a group":
                    root["groups"] = JsonNode.Parse("""{ "seg": { "metric": "ch4_lel", "members": ["gp-t-001", "gp-t-002", "gp-t-003"], "corroboration": { "k": 4 } } }""");
                    break;
                case "negative window":
                    pipeline["ratesOfChange"]!.AsArray()[0]!["windowSamples"] = -3;
                    break;
                default:
                    pipeline["extends"] = "gas_station";
                    root["kinds"]!["gas_station"]!["extends"] = "gas_pipeline";
                    break;
            }
        });

        var previewed = await supervisor.PostAsJsonAsync("api/rules/preview", new { document = bad }, ct);
        var put = await supervisor.PutAsJsonAsync("api/rules", new { baseVersion = version, document = bad, reason = "test: " + mistake }, ct);
        var after = await CurrentAsync(supervisor, ct);

        foreach (var refused in new[] { previewed, put })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Contains(expected, problem.GetProperty("errors").GetProperty("document")[0].GetString(), StringComparison.Ordinal);
        }

        Assert.Equal((version, document), after);
    }

    [Fact]
    public async Task A_change_based_on_a_version_that_is_no_longer_the_newest_is_refused_with_409()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        using var scoped = server.As("grid.west", ["supervisor"], ["d-west"]);
        var (version, document) = await CurrentAsync(supervisor, ct);
        var first = Edit(document, root => root["kinds"]!["gas_pipeline"]!["thresholds"]!.AsArray()
            .Single(t => t!["ruleId"]!.GetValue<string>() == "pressure_kpa.high")!["levels"]!["red"] = 450);

        var fromRegion = await scoped.PutAsJsonAsync("api/rules", new { baseVersion = version, document = first, reason = "grid officer" }, ct);
        var accepted = await supervisor.PutAsJsonAsync("api/rules", new { baseVersion = version, document = first, reason = "mains uprated" }, ct);
        var stale = await supervisor.PutAsJsonAsync("api/rules", new { baseVersion = version, document, reason = "edited from the old version" }, ct);
        var preview = await ReadAsync(await supervisor.PostAsJsonAsync("api/rules/preview", new { document }, ct), ct);

        Assert.Equal(HttpStatusCode.Forbidden, fromRegion.StatusCode); // a kind's rules span the city
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal(version + 1, (await CurrentAsync(supervisor, ct)).Version);
        // Going back touches the kind's rule on every pipeline (20), never the elevator.
        Assert.Equal(ServerFixture.PipelineCount, preview.GetProperty("affectedCount").GetInt32());
        Assert.All(preview.GetProperty("assets").EnumerateArray(), a =>
        {
            Assert.Equal("gas_pipeline", a.GetProperty("kind").GetString());
            Assert.Equal(["pressure_kpa.high"], a.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        });
    }

    [Fact]
    public async Task A_backtest_of_stored_readings_counts_what_a_brute_force_replay_of_the_same_series_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        using var mqtt = await server.ConnectMqttAsync("backtest-e2e", ct);
        // 120 readings 5 s apart, quiet (with a little movement, so no sensor is judged stuck) but for five excursions.
        // Ten minutes of readings ending a minute ago: the live server raises its alerts now, within the backtest's
        // 15 min match window of the readings that caused them.
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-11);
        var excursions = new Dictionary<int, double> { [10] = 35, [11] = 35, [12] = 35, [30] = 60, [50] = 35, [51] = 35, [52] = 35, [53] = 35, [80] = 60, [81] = 60, [100] = 35 };
        var series = Enumerable.Range(0, 120).Select(i => (At: t0.AddSeconds(i * 5), Value: excursions.GetValueOrDefault(i, 1 + (i % 3 * 0.1)))).ToList();
        foreach (var (at, value) in series)
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-016/telemetry", ServerFixture.Reading(at.ToUnixTimeMilliseconds(), ("ch4_lel", value)), ct);
        }

        await ServerFixture.EventuallyAsync(() => StoredPointsAsync("gp-t-016", ct), n => n >= series.Count, TimeSpan.FromSeconds(90), ct);
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-016", ct), a => a.GetProperty("total").GetInt32() >= 1, TimeSpan.FromSeconds(30), ct);
        // The candidate: red at 30 % LEL at once, no dead-band, nothing else.
        const string Candidate = """
            { "kinds": { "gas_pipeline": { "thresholds": [
                { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "red": 30 }, "clearRatio": 1 } ] } } }
            """;

        var started = await supervisor.PostAsJsonAsync("api/rules/backtests",
            new { document = Candidate, assetIds = new[] { "gp-t-016" }, from = t0.AddSeconds(-1), to = DateTimeOffset.UtcNow.AddSeconds(30) }, ct);
        var job = await ReadAsync(started, ct);
        var done = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/rules/backtests/{job.GetProperty("jobId").GetString()}", ct),
            j => j.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(90), ct);

        // Brute force: runs of readings >= 30, and the flap policy's count (5 changes in 10 min) at each run's start.
        var runs = new List<(DateTimeOffset Start, DateTimeOffset? End)>();
        for (var i = 0; i < series.Count; i++)
        {
            if (series[i].Value >= 30)
            {
                var start = series[i].At;
                while (i + 1 < series.Count && series[i + 1].Value >= 30)
                {
                    i++;
                }

                runs.Add((start, i + 1 < series.Count ? series[i + 1].At : null));
            }
        }

        var changes = runs.SelectMany(r => r.End is { } end ? new[] { r.Start, end } : [r.Start]).ToList();
        var flapping = runs.Count(r => changes.Count(t => t > r.Start.AddMinutes(-10) && t <= r.Start) >= 5);
        var candidate = done.GetProperty("candidate");
        var live = done.GetProperty("live");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(series.Count, done.GetProperty("samplesReplayed").GetInt64());
        Assert.Equal((1, 1), (done.GetProperty("assetsTotal").GetInt32(), done.GetProperty("assetsDone").GetInt32()));
        Assert.Equal((runs.Count, runs.Count, 0, flapping), (candidate.GetProperty("alarms").GetInt32(), candidate.GetProperty("red").GetInt32(),
            candidate.GetProperty("orange").GetInt32(), candidate.GetProperty("flapping").GetInt32()));
        Assert.Equal((5, 3), (runs.Count, flapping));
        // The live rules (red at 50 at once, orange at 25 after 10 s) on the same series: the two 60 % runs red, the
        // 35 % runs of three and four readings orange; the 35 % single readings nothing. The ledger holds what the live
        // server raised from these very readings, and the live replay finds each of those alerts.
        Assert.Equal((2, 2), (live.GetProperty("red").GetInt32(), live.GetProperty("orange").GetInt32()));
        Assert.Equal(candidate.GetProperty("alarms").GetInt32() - live.GetProperty("alarms").GetInt32(), done.GetProperty("difference").GetProperty("alarms").GetInt32());
        var liveVsLedger = done.GetProperty("liveVsLedger");
        Assert.True(liveVsLedger.GetProperty("realAlerts").GetInt32() >= 1);
        Assert.Equal(liveVsLedger.GetProperty("realAlerts").GetInt32(), liveVsLedger.GetProperty("matched").GetInt32());
    }

    [Fact]
    public async Task A_backtest_can_be_cancelled_and_a_bad_request_is_refused_with_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);

        var noAssets = await supervisor.PostAsJsonAsync("api/rules/backtests", new { from = DateTimeOffset.UtcNow.AddHours(-1) }, ct);
        var badRange = await supervisor.PostAsJsonAsync("api/rules/backtests",
            new { kind = "gas_pipeline", from = DateTimeOffset.UtcNow, to = DateTimeOffset.UtcNow.AddDays(-1) }, ct);
        var job = await ReadAsync(await supervisor.PostAsJsonAsync("api/rules/backtests",
            new { kind = "gas_pipeline", from = DateTimeOffset.UtcNow.AddDays(-30), to = DateTimeOffset.UtcNow }, ct), ct);
        var cancelled = await ReadAsync(await supervisor.PostAsync($"api/rules/backtests/{job.GetProperty("jobId").GetString()}/cancel", null, ct), ct);
        var final = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/rules/backtests/{job.GetProperty("jobId").GetString()}", ct),
            j => j.GetProperty("status").GetString() is "cancelled" or "completed" or "failed", TimeSpan.FromSeconds(60), ct);

        foreach (var refused in new[] { noAssets, badRange })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(ServerFixture.PipelineCount, job.GetProperty("assetsTotal").GetInt32());
        Assert.NotNull(cancelled.GetProperty("jobId").GetString());
        // Twenty pipelines over 30 days may finish before the cancel lands on a fast machine; either way it ends.
        Assert.Contains(final.GetProperty("status").GetString(), new[] { "cancelled", "completed" });
    }

    private async Task<long> StoredPointsAsync(string assetId, CancellationToken ct)
    {
        using var http = new HttpClient();
        var query = Uri.EscapeDataString($"SELECT count(\"ch4_lel\") FROM \"telemetry\" WHERE \"asset\" = '{assetId}'");
        var result = await http.GetFromJsonAsync<JsonElement>(new Uri(server.Influx.Url, $"query?db={ServerFixture.Database}&q={query}"), ct);
        var first = result.GetProperty("results")[0];
        return first.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    [Fact]
    public async Task The_rule_page_previews_an_edit_applies_it_and_backtests_it_against_the_live_rules()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("rules-page", ct);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < 30; i++)
        {
            var lel = i is 10 or 11 or 20 ? 35 : 1 + (i % 3 * 0.1);
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-019/telemetry", ServerFixture.Reading(t0.AddSeconds(i * 5).ToUnixTimeMilliseconds(), ("ch4_lel", lel)), ct);
        }

        await ServerFixture.EventuallyAsync(() => StoredPointsAsync("gp-t-019", ct), n => n >= 30, TimeSpan.FromSeconds(90), ct);
        var (page, errors) = await browser.OpenLivePageAsync(server.BaseUrl, "/rules", 1280, 1400, "zhang.min", "supervisor", TimeSpan.FromSeconds(30));
        var shown = await page.InputValueAsync("#document");
        var edited = Edit(shown, root => Assets(root)["gp-t-019"] = new JsonObject
        {
            ["thresholds"] = new JsonArray(new JsonObject
            {
                ["ruleId"] = "ch4_lel.high",
                ["metric"] = "ch4_lel",
                ["direction"] = "above",
                ["levels"] = new JsonObject { ["red"] = 30 },
            }),
        });

        await page.FillAsync("#document", edited);
        await page.ClickAsync("#preview");
        await page.WaitForSelectorAsync("#preview-result table");
        var previewText = await page.InnerTextAsync("#preview-result");
        await page.FillAsync("#bt-assets", "gp-t-019");
        await page.ClickAsync("#run-backtest");
        await page.WaitForSelectorAsync("#bt-status[data-status='completed']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var counts = await page.InnerTextAsync("#bt-counts");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "rules-backtest.png"), FullPage = true });
        await page.FillAsync("#reason", "gp-t-019 beside a school");
        await page.ClickAsync("#apply");
        await page.WaitForSelectorAsync("#message.ok");
        var applied = await page.InnerTextAsync("#message");
        var assetRules = await server.GetJsonAsync("api/rules/assets/gp-t-019", ct);

        Assert.Contains("1 asset(s) change", previewText, StringComparison.Ordinal);
        Assert.Contains("gp-t-019", previewText, StringComparison.Ordinal);
        // Candidate: red at 30 at once, so both 35 % excursions are red alarms; the live rules hold orange for 10 s, which neither lasts.
        var candidateRow = counts.Split('\n').Single(l => l.StartsWith("candidate", StringComparison.Ordinal));
        Assert.Equal(["candidate", "2", "2", "0", "0", "0", "0"], candidateRow.Split('\t', StringSplitOptions.TrimEntries));
        Assert.Contains("applied as v", applied, StringComparison.Ordinal);
        Assert.True(assetRules.GetProperty("hasOverride").GetBoolean());
        Assert.Empty(errors);
    }

    private static async Task<(long Version, string Document)> CurrentAsync(HttpClient client, CancellationToken ct)
    {
        var current = await client.GetFromJsonAsync<JsonElement>("api/rules", ct);
        var stored = current.GetProperty("current");
        return (stored.GetProperty("version").GetInt64(), stored.GetProperty("document").GetString()!);
    }

    /// <summary>The document's per-asset overrides, to add one to (the tests of this class share the server and its rules).</summary>
    private static JsonObject Assets(JsonObject root) => (root["assets"] ??= new JsonObject()).AsObject();

    private static string Edit(string document, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(document, documentOptions: Lenient)!.AsObject();
        edit(root);
        return root.ToJsonString(Readable);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The asset's grain has taken a reading (<c>lastReadingAt</c> is the newest reading's own time).</summary>
    private Task<JsonElement> AssetSeenAsync(string assetId, CancellationToken ct) => ServerFixture.EventuallyAsync(
        () => server.GetJsonAsync($"api/assets/{assetId}", ct), ReadingTaken, TimeSpan.FromSeconds(60), ct);

    internal static bool ReadingTaken(JsonElement asset) => asset.TryGetProperty("lastReadingAt", out var at) && at.ValueKind == JsonValueKind.String;
}
