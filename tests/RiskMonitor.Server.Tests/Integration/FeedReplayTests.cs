using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using RiskMonitor.FeedConsumer;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Tests.Cap;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary>
/// The feed as a complete record: the reference consumer (simulators/RiskMonitor.FeedConsumer), reading from cursor 0,
/// ends with the same alerts, hazards and region colours as the server; and the CAP views of the same alerts.
/// </summary>
public sealed class FeedReplayTests(IntegrationServerFixture fixture) : IClassFixture<IntegrationServerFixture>
{
    private OwnServer Server => fixture.Server;

    [Fact]
    public async Task A_consumer_reading_the_feed_from_the_start_reproduces_the_current_alert_hazard_and_region_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = Server.Http;
        var t0 = DateTimeOffset.UtcNow;
        using (var mqtt = await Server.ConnectMqttAsync("replay", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-007/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-008/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 60)), ct);
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-008/telemetry", ServerFixture.Reading(t0.AddSeconds(10).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        }

        var open = await ServerFixture.EventuallyAsync(
            // Both assets by name: the class's other test may have left an alert of its own in the list.
            () => Server.GetJsonAsync("api/alerts", ct), a => HasAlert(a, "gp-t-007") && HasAlert(a, "gp-t-008"), TimeSpan.FromSeconds(20), ct);
        var red = AlertOf(open, "gp-t-007");
        var cleared = AlertOf(open, "gp-t-008");
        await StepAsync($"api/alerts/{red}/acknowledge", new { actor = "li.wei", note = "on my way" }, ct);
        await StepAsync($"api/alerts/{red}/comment", new { actor = "li.wei", note = "valve closed" }, ct);
        await StepAsync($"api/alerts/{cleared}/acknowledge", new { actor = "wang.fang" }, ct);
        await StepAsync($"api/alerts/{cleared}/resolve", new { actor = "wang.fang", note = "sensor recalibrated", cause = "sensor drift" }, ct);
        await StepAsync($"api/alerts/{cleared}/close", new { actor = "zhang.min", note = "verified" }, ct);
        using var reported = await http.PostAsJsonAsync("api/hazards", new { actor = "inspector.chen", description = "调压箱锈蚀", level = "major", regionId = "d-west", industry = "gas", assetId = "gp-t-007" }, ct);
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var hazardId = (await reported.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString()!;
        await StepAsync($"api/hazards/{hazardId}/assign", new { actor = "zhang.min", responsibleUnit = "城西燃气公司", deadline = t0.AddDays(3), supervisingDepartment = "市应急管理局" }, ct);

        using var feed = await IntegratorAccess.ClientAsync(Server.BaseUrl, "city-platform-mirror", ["feed:read"], ct);
        var mirror = new FeedMirror();
        var differences = await ServerFixture.EventuallyAsync(
            async () =>
            {
                // Region colours are appended coalesced, a second or so after the change: follow until the mirror agrees.
                await new FeedFollower(feed, mirror).CatchUpAsync(pageSize: 7, ct);
                return await DifferencesAsync(mirror, ct);
            },
            d => d.Count == 0, TimeSpan.FromSeconds(30), ct);

        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
        Assert.Contains(red, mirror.Alerts.Keys);
        Assert.Equal("closed", mirror.Alerts[cleared].GetProperty("state").GetString());
        Assert.Equal("assigned", mirror.Hazards[hazardId].GetProperty("status").GetString());
        Assert.Equal("red", mirror.Regions["d-west"].Colour);
        Assert.Equal(0, mirror.Unknown);

        // A second consumer fed every page twice (a re-read after a crash) ends the same: repeats are ignored by cursor.
        var twice = new FeedMirror();
        var page = await feed.GetFromJsonAsync<JsonElement>("api/feed?after=0&limit=1000", ct);
        foreach (var e in page.GetProperty("events").EnumerateArray().Concat(page.GetProperty("events").EnumerateArray()))
        {
            twice.Apply(e);
        }

        Assert.Equal(page.GetProperty("events").GetArrayLength(), twice.Repeats);
    }

    [Fact]
    public async Task An_alert_and_the_cap_feed_are_valid_cap_1_2_and_the_cap_feed_needs_a_key()
    {
        var ct = TestContext.Current.CancellationToken;
        using var feed = await IntegratorAccess.ClientAsync(Server.BaseUrl, "cap-reader", ["feed:read"], ct);
        var start = (await feed.GetFromJsonAsync<JsonElement>("api/feed?after=0&limit=1000", ct)).GetProperty("next").GetInt64();
        var t0 = DateTimeOffset.UtcNow;
        using (var mqtt = await Server.ConnectMqttAsync("cap", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-005/telemetry", ServerFixture.Reading(t0.ToUnixTimeMilliseconds(), ("ch4_lel", 80)), ct);
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-005/telemetry", ServerFixture.Reading(t0.AddSeconds(10).ToUnixTimeMilliseconds(), ("ch4_lel", 0.5)), ct);
        }

        var capFeed = await ServerFixture.EventuallyAsync(
            async () => XDocument.Parse(await feed.GetStringAsync($"api/feed/cap?after={start}", ct)),
            d => d.Root!.Elements(CapEndpoints.Atom + "entry").Count() >= 2, TimeSpan.FromSeconds(20), ct);

        XNamespace cap = CapSchema.Namespace;
        var alerts = capFeed.Root!.Elements(CapEndpoints.Atom + "entry").Select(e => e.Element(CapEndpoints.Atom + "content")!.Element(cap + "alert")!).ToList();
        Assert.All(alerts, a => Assert.Empty(CapSchema.Validate(a)));
        // Named in the failure: one full run saw a second "Alert" here, which did not recur.
        var seen = string.Join("; ", alerts.Select(a => $"{a.Element(cap + "msgType")!.Value} {a.Element(cap + "identifier")!.Value} {a.Element(cap + "sent")!.Value}"));
        Assert.True(alerts.Select(a => a.Element(cap + "msgType")!.Value).SequenceEqual(["Alert", "Update"]), seen);
        Assert.Equal("Extreme", alerts[0].Element(cap + "info")!.Element(cap + "severity")!.Value);
        Assert.Equal("AllClear", alerts[1].Element(cap + "info")!.Element(cap + "responseType")!.Value);
        Assert.EndsWith(alerts[0].Element(cap + "identifier")!.Value + "," + alerts[0].Element(cap + "sent")!.Value, alerts[1].Element(cap + "references")!.Value, StringComparison.Ordinal);
        var next = capFeed.Root!.Elements(CapEndpoints.Atom + "link").Single(l => (string?)l.Attribute("rel") == "next").Attribute("href")!.Value;
        Assert.EndsWith("after=" + capFeed.Root!.Elements(CapEndpoints.Atom + "entry").Last().Element(CapEndpoints.Atom + "id")!.Value.Split(':')[^1], next, StringComparison.Ordinal);

        var alertId = alerts[0].Element(cap + "info")!.Elements(cap + "parameter").First(p => p.Element(cap + "valueName")!.Value == "riskmonitor:alertId").Element(cap + "value")!.Value;
        using var one = await Server.Http.GetAsync($"api/alerts/{Uri.EscapeDataString(alertId)}/cap", ct); // open, like the other alert endpoints
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("application/cap+xml", one.Content.Headers.ContentType?.MediaType);
        var current = XDocument.Parse(await one.Content.ReadAsStringAsync(ct)).Root!;
        Assert.Empty(CapSchema.Validate(current));
        Assert.Equal("Update", current.Element(cap + "msgType")!.Value);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync("api/alerts/gp-t-005~nope~1/cap", ct)).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = Server.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/feed/cap", ct)).StatusCode);
    }

    /// <summary>Every way the mirror differs from the server, as text (empty when it is exact).</summary>
    private async Task<List<string>> DifferencesAsync(FeedMirror mirror, CancellationToken ct)
    {
        var differences = new List<string>();
        foreach (var (alertId, mirrored) in mirror.Alerts)
        {
            var served = await Server.GetJsonAsync($"api/alerts/{Uri.EscapeDataString(alertId)}", ct);
            JsonDiff.Collect($"alert {alertId}", mirrored, served, differences);
        }

        var notClosed = (await Server.GetJsonAsync("api/alerts", ct)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("alertId").GetString()!).Order().ToList();
        var mirroredNotClosed = mirror.Alerts.Where(a => a.Value.GetProperty("state").GetString() != "closed").Select(a => a.Key).Order().ToList();
        if (!notClosed.SequenceEqual(mirroredNotClosed))
        {
            differences.Add($"current alerts: server [{string.Join(' ', notClosed)}], mirror [{string.Join(' ', mirroredNotClosed)}]");
        }

        var hazards = (await Server.GetJsonAsync("api/hazards", ct)).EnumerateArray().Select(h => h.GetProperty("hazard")).ToList();
        if (hazards.Count != mirror.Hazards.Count)
        {
            differences.Add($"hazards: server {hazards.Count}, mirror {mirror.Hazards.Count}");
        }

        foreach (var hazard in hazards)
        {
            var id = hazard.GetProperty("hazardId").GetString()!;
            if (!mirror.Hazards.TryGetValue(id, out var mirrored))
            {
                differences.Add($"hazard {id} missing");
                continue;
            }

            JsonDiff.Collect($"hazard {id}", mirrored, hazard, differences);
        }

        foreach (var regionId in new[] { "d-west", "d-east" })
        {
            var served = await Server.GetJsonAsync($"api/regions/{regionId}", ct);
            var colours = new RegionColours(Text(served, "colour"), Text(served, "inherentColour"));
            if (mirror.Regions.GetValueOrDefault(regionId) != colours)
            {
                differences.Add($"region {regionId}: server {colours}, mirror {mirror.Regions.GetValueOrDefault(regionId)}");
            }
        }

        return differences;
    }

    private async Task StepAsync(string path, object body, CancellationToken ct)
    {
        using var response = await Server.Http.PostAsJsonAsync(path, body, ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static bool HasAlert(JsonElement page, string assetId) =>
        page.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("assetId").GetString() == assetId);

    private static string AlertOf(JsonElement page, string assetId) =>
        page.GetProperty("items").EnumerateArray().First(a => a.GetProperty("assetId").GetString() == assetId).GetProperty("alertId").GetString()!;

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// Compares two JSON values as data: the same members, the same strings (times included: the feed writes the wire form,
/// UTC with milliseconds, like the REST API), the same numbers.
/// </summary>
internal static class JsonDiff
{
    public static void Collect(string path, JsonElement a, JsonElement b, List<string> differences)
    {
        if (a.ValueKind != b.ValueKind && !(IsNullish(a) && IsNullish(b)))
        {
            differences.Add($"{path}: {a.ValueKind} vs {b.ValueKind}");
            return;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var names = a.EnumerateObject().Select(p => p.Name).Union(b.EnumerateObject().Select(p => p.Name)).ToList();
                foreach (var name in names)
                {
                    var left = a.TryGetProperty(name, out var l) ? l : default;
                    var right = b.TryGetProperty(name, out var r) ? r : default;
                    Collect($"{path}.{name}", left, right, differences);
                }

                break;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    differences.Add($"{path}: {a.GetArrayLength()} items vs {b.GetArrayLength()}");
                    break;
                }

                for (var i = 0; i < a.GetArrayLength(); i++)
                {
                    Collect($"{path}[{i}]", a[i], b[i], differences);
                }

                break;
            case JsonValueKind.String:
                var x = a.GetString()!;
                var y = b.GetString()!;
                if (x != y)
                {
                    differences.Add($"{path}: '{x}' vs '{y}'");
                }

                break;
            case JsonValueKind.Number:
                if (a.GetDouble() != b.GetDouble())
                {
                    differences.Add($"{path}: {a} vs {b}");
                }

                break;
        }
    }

    // A member that is absent on one side and null on the other carries the same information.
    private static bool IsNullish(JsonElement e) => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
}
