using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using RiskMonitor.Server.Tests.Regions;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// The risk snapshot against the live roll-ups: real readings over MQTT move the map, the test writes down what the
/// region grains showed at a moment, and the snapshot for that moment, rebuilt later from the recorded changes in
/// PostgreSQL, must say the same.
/// </summary>
public sealed class RiskSnapshotEndToEndTests(RiskMapServerFixture server) : IClassFixture<RiskMapServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_snapshot_now_and_at_a_past_moment_equal_the_roll_ups_at_those_moments()
    {
        var ct = TestContext.Current.CancellationToken;
        using var mqtt = await server.ConnectMqttAsync("e2e-snapshot", ct);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // State A: the pipeline in t-d1 red.
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry", ServerFixture.Reading(ts, ("ch4_lel", 80)), ct);
        var cityA = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/regions/t-city", ct), c => Counts(c, "dynamic", "gas").Red == 1, Patience, ct);
        Assert.Equal(1, Counts(cityA, "dynamic", "gas").Red);
        var momentA = DateTimeOffset.UtcNow;
        await Task.Delay(50, ct);

        // State B: the pipeline quiet again, an entrapment on the elevator in t-d2.
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-m-001/telemetry", ServerFixture.Reading(ts + 1, ("ch4_lel", 0.5)), ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/el-m-001/event", JsonSerializer.Serialize(new { ts = ts + 1, code = "entrapment", active = true }), ct);
        var cityB = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync("api/regions/t-city", ct),
            c => Counts(c, "dynamic", "gas").Red == 0 && Counts(c, "dynamic", "special_equipment").Red == 1, Patience, ct);
        Assert.Equal(0, Counts(cityB, "dynamic", "gas").Red);
        Assert.Equal(1, Counts(cityB, "dynamic", "special_equipment").Red);

        var past = await server.GetJsonAsync("api/reports/risk-snapshot?at=" + Uri.EscapeDataString(momentA.ToString("O", CultureInfo.InvariantCulture)), ct);
        var now = await server.GetJsonAsync("api/reports/risk-snapshot", ct);

        AssertSnapshotEquals(cityA, past);
        AssertSnapshotEquals(cityB, now);
        Assert.True(past.GetProperty("complete").GetBoolean());
        Assert.Equal(momentA.UtcDateTime, past.GetProperty("at").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.True(now.GetProperty("recording").GetProperty("written").GetInt64() >= 3);
        Assert.Equal(0, now.GetProperty("recording").GetProperty("dropped").GetInt64());
    }

    [Fact]
    public async Task The_csv_has_a_header_a_bom_and_the_region_names()
    {
        var ct = TestContext.Current.CancellationToken;

        var response = await server.Http.GetAsync("api/reports/risk-snapshot?format=csv", ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var json = await server.GetJsonAsync("api/reports/risk-snapshot", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("section,id,name,layer,red,orange,yellow,blue,total,colour,at,complete", lines[0]);
        var districts = json.GetProperty("byDistrict").GetArrayLength();
        var industries = json.GetProperty("byIndustry").GetArrayLength();
        Assert.Equal(1 + (2 * (districts + industries + 1)), lines.Length);
        var d1 = lines.Single(l => l.StartsWith("district,t-d1,", StringComparison.Ordinal) && l.Contains(",inherent,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("区域t-d1", d1[2]);
        var row = json.GetProperty("byDistrict").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "t-d1");
        Assert.Equal(row.GetProperty("inherent").GetProperty("counts").GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture), d1[8]);
        Assert.Contains(lines, l => l.StartsWith("industry,special_equipment,特种设备,dynamic,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("total,total,合计,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api/reports/risk-snapshot?at=yesterday")]
    [InlineData("api/reports/risk-snapshot?at=2026-11-25T12:00:00")] // no offset: which twelve o'clock?
    [InlineData("api/reports/risk-snapshot?at=2999-01-01T00:00:00Z")]
    [InlineData("api/reports/risk-snapshot?format=xlsx")]
    public async Task Bad_snapshot_queries_get_problem_details(string path)
    {
        var response = await server.Http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Each district's and industry's counts, and the totals, in both layers, as the region grains had them.</summary>
    private static void AssertSnapshotEquals(JsonElement city, JsonElement snapshot)
    {
        var children = city.GetProperty("children").EnumerateArray()
            .Where(c => c.GetProperty("dynamic").GetProperty("counts").GetProperty("total").GetInt32() > 0 || c.GetProperty("regionId").GetString() != "unassigned")
            .ToDictionary(c => c.GetProperty("regionId").GetString()!);
        var rows = snapshot.GetProperty("byDistrict").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal(children.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, child) in children)
        {
            foreach (var layer in new[] { "inherent", "dynamic" })
            {
                Assert.Equal(Counts(child.GetProperty(layer).GetProperty("counts")), Counts(rows[id].GetProperty(layer).GetProperty("counts")));
                Assert.Equal(child.GetProperty(layer).GetProperty("highest").ToString(), rows[id].GetProperty(layer).GetProperty("colour").ToString());
            }
        }

        var industries = snapshot.GetProperty("byIndustry").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        foreach (var layer in new[] { "inherent", "dynamic" })
        {
            var byIndustry = city.GetProperty(layer).GetProperty("byIndustry");
            Assert.Equal(byIndustry.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), industries.Keys.Order(StringComparer.Ordinal));
            foreach (var industry in byIndustry.EnumerateObject())
            {
                Assert.Equal(Counts(industry.Value.GetProperty("counts")), Counts(industries[industry.Name].GetProperty(layer).GetProperty("counts")));
            }

            Assert.Equal(Counts(city.GetProperty(layer).GetProperty("counts")), Counts(snapshot.GetProperty("total").GetProperty(layer).GetProperty("counts")));
        }
    }

    private static (int Red, int Orange, int Yellow, int Blue, int Total) Counts(JsonElement region, string layer, string industry) =>
        region.GetProperty(layer).GetProperty("byIndustry").TryGetProperty(industry, out var tally) ? Counts(tally.GetProperty("counts")) : default;

    private static (int Red, int Orange, int Yellow, int Blue, int Total) Counts(JsonElement counts) => (
        counts.GetProperty("red").GetInt32(), counts.GetProperty("orange").GetInt32(), counts.GetProperty("yellow").GetInt32(),
        counts.GetProperty("blue").GetInt32(), counts.GetProperty("total").GetInt32());
}
