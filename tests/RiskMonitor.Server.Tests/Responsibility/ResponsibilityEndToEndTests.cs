using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using RiskMonitor.Server.Tests.Messaging;

namespace RiskMonitor.Server.Tests.Responsibility;

/// <summary>
/// The test city with a responsibility chain: owner units ou-1 and ou-2, maintenance units mu-a and mu-b (each with a
/// unit account), the lift and gas regulators; the elevator el-t-001 is ou-1's, maintained by mu-a, regulated by
/// reg-se. The rescue is due 5 s after the report so that missing it can be watched; acknowledgements have an hour.
/// E-mail goes to a real SMTP server (smtp4dev).
/// </summary>
public sealed class ResponsibilityFixture : ServerFixture
{
    public static readonly TimeSpan RescueArrivalWithin = TimeSpan.FromSeconds(5);

    public Smtp4devMailbox Mailbox { get; } = new();

    protected override Task StartDependenciesAsync(CancellationToken cancellationToken) => Mailbox.StartAsync(cancellationToken);

    protected override ValueTask StopDependenciesAsync() => Mailbox.DisposeAsync();

    /// <summary>The test city and a second lift, el-t-002 (ou-1's, maintained by mu-d), whose rescue its own events record.</summary>
    protected override string AssetsGeoJson()
    {
        var city = JsonNode.Parse(base.AssetsGeoJson())!;
        city["features"]!.AsArray().Add(JsonSerializer.SerializeToNode(new
        {
            type = "Feature",
            geometry = new { type = "Point", coordinates = new[] { 120.16, 30.25 } },
            properties = new { id = "el-t-002", kind = "elevator", name = "测试电梯2", industry = "special_equipment", inherentLevel = "yellow", regionId = "d-west" },
        }));
        return city.ToJsonString();
    }

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        foreach (var (key, value) in Mailbox.ServerSettings())
        {
            settings[key] = value;
        }

        var seed = Path.Combine(Directory.CreateTempSubdirectory("riskmonitor-responsibility-").FullName, "responsibility.json");
        File.WriteAllText(seed, SeedJson());
        settings["Responsibility:SeedPath"] = seed;
        settings["Responsibility:RescueArrivalWithin"] = RescueArrivalWithin.ToString();
        settings["Responsibility:RedAcknowledgeWithin"] = "01:00:00";
        settings["Responsibility:RoutingSweepInterval"] = "00:00:02";
        settings["Responsibility:RoutingSweepGrace"] = "00:00:01";
        return settings;
    }

    public static string SeedJson() => JsonSerializer.Serialize(new
    {
        organisations = new object[]
        {
            Organisation("ou-1", "湖滨商业物业管理有限公司", "owner_unit", null, "91350100M000100Y43", "林芳", "duty@ou-1.example", "ou-1.duty"),
            Organisation("ou-2", "城投燃气集团西湖区分公司", "owner_unit", null, "91110000600037341L", "马丽萍", "duty@ou-2.example", "ou-2.duty"),
            Organisation("mu-a", "安达电梯工程有限公司", "maintenance_unit", null, null, "陈志强", "rescue@mu-a.example", "mu-a.duty"),
            Organisation("mu-b", "恒升电梯服务有限公司", "maintenance_unit", null, null, "刘国平", "rescue@mu-b.example", "mu-b.duty"),
            Organisation("mu-d", "通达电梯维修有限公司", "maintenance_unit", null, null, "王建军", "rescue@mu-d.example", "mu-d.duty"),
            Organisation("reg-se", "市场监督管理局特种设备安全监察处", "regulator", "special_equipment", null, "钱立新", "duty@reg-se.example", null),
            Organisation("reg-gas", "住房和城乡建设局城市燃气管理处", "regulator", "gas", null, "周建华", "duty@reg-gas.example", null),
        },
        assetParties = new object[]
        {
            new { assetId = "el-t-001", ownerUnitId = "ou-1", maintenanceUnitId = "mu-a", regulatorId = "reg-se" },
            new { assetId = "el-t-002", ownerUnitId = "ou-1", maintenanceUnitId = "mu-d", regulatorId = "reg-se" },
            new { assetId = "gp-t-001", ownerUnitId = "ou-2", regulatorId = "reg-gas" },
            new { assetId = "gp-t-002", ownerUnitId = "ou-2", regulatorId = "reg-gas" },
            new { assetId = "gp-t-003", ownerUnitId = "ou-2", regulatorId = "reg-gas" },
        },
    });

    private static object Organisation(string id, string name, string kind, string? industry, string? creditCode, string person, string email, string? account) => new
    {
        id,
        name,
        kind,
        industry,
        creditCode,
        people = new[] { new { name = person, role = "on_call", phone = "0571-07000000", email, account } },
    };
}

public sealed class ResponsibilityEndToEndTests(ResponsibilityFixture server, BrowserFixture browser)
    : IClassFixture<ResponsibilityFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_entrapment_reaches_its_maintenance_unit_alone_escalates_when_nobody_arrives_and_its_rescue_counts_in_the_units_kpis()
    {
        var ct = TestContext.Current.CancellationToken;
        using var unitA = server.As("mu-a.duty", ["unit"]);
        using var unitB = server.As("mu-b.duty", ["unit"]);

        using (var mqtt = await server.ConnectMqttAsync("lift-gateway", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/el-t-001/event",
                JsonSerializer.Serialize(new { ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), code = "entrapment", active = true }), ct);
        }

        // On mu-a's unit page, with its rescue due; not on mu-b's.
        var mine = await ServerFixture.EventuallyAsync(() => unitA.GetFromJsonAsync<JsonElement>("api/unit/alerts", ct), a => a.GetArrayLength() == 1, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(1, mine.GetArrayLength());
        var alertId = mine[0].GetProperty("alert").GetProperty("alertId").GetString()!;
        Assert.Equal("event.entrapment", mine[0].GetProperty("alert").GetProperty("ruleId").GetString());
        Assert.Equal("arrive_on_site", mine[0].GetProperty("duties")[0].GetProperty("kind").GetString());
        Assert.Equal(0, (await unitB.GetFromJsonAsync<JsonElement>("api/unit/alerts", ct)).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await unitB.PostAsync($"api/unit/alerts/{alertId}/arrival", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await unitA.GetAsync("api/alerts", ct)).StatusCode); // a unit sees its own alerts only

        // Told through the outbox: the unit's person with phone and e-mail and the due time.
        var told = await NoticeAsync(alertId, "parties_told", ct);
        var rescuer = told.GetProperty("recipients").EnumerateArray().Single(r => r.GetProperty("organisationId").GetString() == "mu-a");
        Assert.Equal("rescue@mu-a.example", rescuer.GetProperty("email").GetString());
        Assert.Equal("0571-07000000", rescuer.GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.String, rescuer.GetProperty("dueBy").ValueKind);

        // Nobody on site in time: the regulator and the duty room are told, in the outbox and the ledger.
        var overdue = await NoticeAsync(alertId, "party_overdue", ct);
        var kinds = overdue.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["regulator", "duty_officer"], kinds);
        Assert.Equal("reg-se", overdue.GetProperty("recipients")[0].GetProperty("organisationId").GetString());

        // And by e-mail, read back from the SMTP server: the maintenance unit, then its regulator; never the other unit.
        var mails = await ServerFixture.EventuallyAsync(() => server.Mailbox.MailsAsync(ct),
            m => m.Any(x => x.To == "rescue@mu-a.example") && m.Any(x => x.To == "duty@reg-se.example"), TimeSpan.FromSeconds(60), ct);
        Assert.Contains(mails, m => m.To == "rescue@mu-a.example");
        Assert.Contains(mails, m => m.To == "duty@reg-se.example");
        Assert.DoesNotContain(mails, m => m.To == "rescue@mu-b.example");

        // On mu-a's unit page (chromium), not on mu-b's; the rescuers' arrival is recorded there.
        var (pageA, errorsA) = await browser.OpenLivePageAsync(server.BaseUrl, "/oncall/unit", 420, 860, "mu-a.duty", "unit", TimeSpan.FromSeconds(30));
        var (pageB, errorsB) = await browser.OpenLivePageAsync(server.BaseUrl, "/oncall/unit", 420, 860, "mu-b.duty", "unit", TimeSpan.FromSeconds(30));
        var item = pageA.Locator($"li[data-alert-id='{alertId}']");
        await item.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("已升级", await item.InnerTextAsync(), StringComparison.Ordinal); // "escalated", in the default Chinese
        Assert.Equal(0, await pageB.Locator("#alerts li").CountAsync());
        await item.Locator("button[data-action='arrival']").ClickAsync();
        await pageA.Locator("#action-result").Filter(new LocatorFilterOptions { HasText = "已到场：已记录" }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.Empty(errorsA);
        Assert.Empty(errorsB);
        await pageA.Context.CloseAsync();
        await pageB.Context.CloseAsync();

        // Release by the unit over the API; the first record stands.
        Assert.Equal(HttpStatusCode.NoContent, (await unitA.PostAsync($"api/unit/alerts/{alertId}/release", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await unitA.PostAsync($"api/unit/alerts/{alertId}/release", null, ct)).StatusCode);

        var history = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/alerts/{alertId}/history", ct), h => Actions(h).Contains("rescue_released"), TimeSpan.FromSeconds(15), ct);
        Assert.Equal(["party_notified", "party_overdue", "rescue_arrived", "rescue_released"], Actions(history).Where(a => a.StartsWith("party", StringComparison.Ordinal) || a.StartsWith("rescue", StringComparison.Ordinal)));
        Assert.Contains("mu-a.duty", history.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "rescue_arrived").GetProperty("actor").GetString(), StringComparison.Ordinal);

        var kpis = await server.GetJsonAsync("api/rescues/kpis", ct);
        var unit = kpis.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitId").GetString() == "mu-a");
        Assert.Equal(1, unit.GetProperty("rescues").GetInt32());
        Assert.Equal(1, unit.GetProperty("late").GetInt32());
        Assert.Equal(1, unit.GetProperty("released").GetInt32());
        Assert.True(unit.GetProperty("medianArrivalMinutes").GetDouble() * 60 >= ResponsibilityFixture.RescueArrivalWithin.TotalSeconds);

        // The unit's own page shows its figures (GET /api/unit/kpis): the rescue, late, released; no acknowledgement was asked of it.
        var own = await unitA.GetFromJsonAsync<JsonElement>("api/unit/kpis", ct);
        Assert.Equal(0, own.GetProperty("acknowledgements").GetProperty("asked").GetInt32());
        var (page, errors) = await browser.OpenLivePageAsync(server.BaseUrl, "/oncall/unit", 420, 860, "mu-a.duty", "unit", TimeSpan.FromSeconds(30));
        var rescues = page.Locator("#kpis dd[data-kpi='rescues']");
        await rescues.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("1", await rescues.InnerTextAsync());
        Assert.Equal("1", await page.Locator("#kpis dd[data-kpi='late']").InnerTextAsync());
        Assert.Equal("1", await page.Locator("#kpis dd[data-kpi='released']").InnerTextAsync());
        Assert.Equal("0 / 0", await page.Locator("#kpis dd[data-kpi='acknowledged']").InnerTextAsync());
        var median = own.GetProperty("units")[0].GetProperty("medianArrivalMinutes").GetDouble();
        Assert.Equal(median.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " 分钟", await page.Locator("#kpis dd[data-kpi='medianArrival']").InnerTextAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "unit-page-kpis.png"), FullPage = true });
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lift_records_its_rescuers_arrival_and_the_release_itself_and_the_rescue_times_in_the_kpis_are_the_ledgers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var unitD = server.As("mu-d.duty", ["unit"]);
        using var mqtt = await server.ConnectMqttAsync("lift-gateway-2", ct);
        async Task EventAsync(string code, bool active) => await ServerFixture.PublishAsync(mqtt, "rm/v1/el-t-002/event",
            JsonSerializer.Serialize(new { ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), code, active }), ct);

        // Outside a rescue an inspection run is only maintenance: nothing is recorded, and nothing is raised.
        await EventAsync("inspection_mode", true);
        await EventAsync("inspection_mode", false);
        await EventAsync("entrapment", true);
        var mine = await ServerFixture.EventuallyAsync(() => unitD.GetFromJsonAsync<JsonElement>("api/unit/alerts", ct), a => a.GetArrayLength() == 1, TimeSpan.FromSeconds(30), ct);
        var alertId = mine[0].GetProperty("alert").GetProperty("alertId").GetString()!;
        var raisedAt = mine[0].GetProperty("alert").GetProperty("raisedAt").GetDateTimeOffset();

        // The technician switches the lift to inspection operation at the controller: the rescuers are on site.
        await EventAsync("inspection_mode", true);
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/alerts/{alertId}/history", ct), h => Actions(h).Contains("rescue_arrived"), TimeSpan.FromSeconds(30), ct);

        // The car doors open at a landing and the lift stops reporting people trapped: the rescue is over.
        await EventAsync("inspection_mode", false);
        await EventAsync("entrapment", false);
        var history = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/alerts/{alertId}/history", ct), h => Actions(h).Contains("rescue_released"), TimeSpan.FromSeconds(30), ct);
        var arrived = history.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "rescue_arrived");
        var released = history.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "rescue_released");
        Assert.Equal("device:inspection_mode", arrived.GetProperty("actor").GetString());
        Assert.Equal("device:entrapment", released.GetProperty("actor").GetString());
        var ofTheLift = await server.GetJsonAsync("api/alerts?assetId=el-t-002", ct);
        Assert.Equal(["event.entrapment"], ofTheLift.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("ruleId").GetString()));

        // The KPIs, the city's and the unit's own, give the times the ledger has.
        var arrivalMinutes = (arrived.GetProperty("at").GetDateTimeOffset() - raisedAt).TotalMinutes;
        var releaseMinutes = (released.GetProperty("at").GetDateTimeOffset() - raisedAt).TotalMinutes;
        var late = arrivalMinutes * 60 > ResponsibilityFixture.RescueArrivalWithin.TotalSeconds ? 1 : 0;
        var city = (await server.GetJsonAsync("api/kpis", ct)).GetProperty("rescues").EnumerateArray().Single(u => u.GetProperty("unitId").GetString() == "mu-d");
        var own = (await unitD.GetFromJsonAsync<JsonElement>("api/unit/kpis", ct)).GetProperty("units");
        Assert.Equal(1, own.GetArrayLength());
        foreach (var unit in new[] { city, own[0] })
        {
            Assert.Equal("mu-d", unit.GetProperty("unitId").GetString());
            Assert.Equal(1, unit.GetProperty("rescues").GetInt32());
            Assert.Equal(1, unit.GetProperty("arrived").GetInt32());
            Assert.Equal(1, unit.GetProperty("released").GetInt32());
            Assert.Equal(late, unit.GetProperty("late").GetInt32());
            Assert.Equal(arrivalMinutes, unit.GetProperty("medianArrivalMinutes").GetDouble(), 0.001);
            Assert.Equal(arrivalMinutes, unit.GetProperty("maxArrivalMinutes").GetDouble(), 0.001);
            Assert.Equal(releaseMinutes, unit.GetProperty("medianReleaseMinutes").GetDouble(), 0.001);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await unitD.GetAsync("api/unit/kpis?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", ct)).StatusCode);

        // The month's circular has the unit's rescue line with the ledger's times: as JSON, in the .xlsx (minutes to one
        // decimal), and the PDF renders with it.
        var circular = await server.GetJsonAsync("api/reports/circular?period=monthly", ct);
        var row = circular.GetProperty("rescues").EnumerateArray().Single(r => r.GetProperty("kpi").GetProperty("unitId").GetString() == "mu-d");
        Assert.Equal("通达电梯维修有限公司", row.GetProperty("name").GetString());
        Assert.Equal((1, 1, late, 1), (row.GetProperty("kpi").GetProperty("rescues").GetInt32(), row.GetProperty("kpi").GetProperty("arrived").GetInt32(),
            row.GetProperty("kpi").GetProperty("late").GetInt32(), row.GetProperty("kpi").GetProperty("released").GetInt32()));
        Assert.Equal(arrivalMinutes, row.GetProperty("kpi").GetProperty("medianArrivalMinutes").GetDouble(), 0.001);
        Assert.Equal(releaseMinutes, row.GetProperty("kpi").GetProperty("medianReleaseMinutes").GetDouble(), 0.001);
        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await server.Http.GetByteArrayAsync("api/reports/circular?period=monthly&format=xlsx", ct)));
        var line = workbook.Worksheet("维保单位救援").RowsUsed().Single(r => r.Cell(1).GetString() == "通达电梯维修有限公司");
        Assert.Equal((1, 1, late, 1), (line.Cell(2).GetValue<int>(), line.Cell(3).GetValue<int>(), line.Cell(4).GetValue<int>(), line.Cell(7).GetValue<int>()));
        Assert.Equal(arrivalMinutes, line.Cell(5).GetValue<double>(), 0.051);
        Assert.Equal(arrivalMinutes, line.Cell(6).GetValue<double>(), 0.051);
        Assert.Equal(releaseMinutes, line.Cell(8).GetValue<double>(), 0.051);
        var pdf = await server.Http.GetAsync("api/reports/circular?period=monthly&format=pdf", ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        var pdfBytes = await pdf.Content.ReadAsByteArrayAsync(ct);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdfBytes[..4]), StringComparison.Ordinal);
        await Reports.CircularEndToEndTests.KeepForReadersAsync(pdfBytes, "circular-monthly-rescues", ct); // rendered to PNG for a reader
        Assert.Contains("维保单位困人救援", await server.Http.GetStringAsync("api/reports/circular?period=monthly&format=html", ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alert_that_reached_no_party_is_routed_by_the_sweep_once_its_parties_are_on_record()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var mqtt = await server.ConnectMqttAsync("gas-gateway-4", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-004/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 66)), ct);
        }

        // gp-t-004 names no parties: its red alert's routing call finds nobody, as one made while PostgreSQL was down would.
        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-004", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(15), ct);
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(5), ct); // two sweeps: with nobody on record there is still nobody to tell
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"api/alerts/{alertId}/parties", ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await server.Http.PutAsJsonAsync("api/assets/gp-t-004/parties", new { ownerUnitId = "ou-2", regulatorId = "reg-gas" }, ct)).StatusCode);
        var parties = await ServerFixture.EventuallyAsync(
            () => server.Http.GetAsync($"api/alerts/{alertId}/parties", ct), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), ct);
        var routed = await parties.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(["ou-2", "reg-gas"], routed.GetProperty("duties").EnumerateArray().Select(d => d.GetProperty("organisationId").GetString()));
        var told = await NoticeAsync(alertId, "parties_told", ct);
        Assert.Equal(["ou-2", "reg-gas"], told.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("organisationId").GetString()));
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var history = await server.GetJsonAsync($"api/alerts/{alertId}/history", ct);
        Assert.Single(Actions(history), a => a == "party_notified"); // told once, though every sweep since has looked at it
    }

    [Fact]
    public async Task A_gas_alert_routes_by_the_owner_unit_changed_over_the_api_a_moment_before()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await server.GetJsonAsync("api/assets/gp-t-002/parties", ct);

        var changed = await server.Http.PutAsJsonAsync("api/assets/gp-t-002/parties",
            new { ownerUnitId = "ou-1", regulatorId = "reg-gas", version = before.GetProperty("version").GetInt32() }, ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        using (var mqtt = await server.ConnectMqttAsync("gas-gateway", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-002/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 66)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-002", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(15), ct);
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        var parties = await ServerFixture.EventuallyAsync(
            () => server.Http.GetAsync($"api/alerts/{alertId}/parties", ct), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(15), ct);
        var routed = await parties.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(["ou-1", "reg-gas"], routed.GetProperty("duties").EnumerateArray().Select(d => d.GetProperty("organisationId").GetString()));

        // The owner unit acknowledges on its own account: a ledger line by that person; the first record stands.
        using var unit = server.As("ou-1.duty", ["unit"]);
        var acknowledged = await unit.PostAsync($"api/unit/alerts/{alertId}/acknowledge", null, ct);
        var again = await unit.PostAsync($"api/unit/alerts/{alertId}/acknowledge", null, ct);
        Assert.True(acknowledged.IsSuccessStatusCode, acknowledged.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var history = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/alerts/{alertId}/history", ct), h => Actions(h).Contains("party_acknowledged"), TimeSpan.FromSeconds(15), ct);
        var line = Assert.Single(history.EnumerateArray(), e => e.GetProperty("action").GetString() == "party_acknowledged");
        Assert.Contains("ou-1.duty", line.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Contains("party_notified", Actions(history)); // and the notice that told it
    }

    [Fact]
    public async Task Bad_registry_input_is_refused_with_problem_details_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = server.Http;
        object Org(string id, string? creditCode, string kind = "owner_unit") => new { id, name = "新公司" + id, kind, creditCode, people = Array.Empty<object>() };

        // A credit code another organisation has: 409, and the new one does not exist.
        await AssertProblemAsync(await http.PostAsJsonAsync("api/organisations", Org("ou-dup", "91350100M000100Y43"), ct), HttpStatusCode.Conflict, ct);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/organisations/ou-dup", ct)).StatusCode);

        // A code with a wrong check character, a kind that does not exist, a regulator without an industry: 400.
        await AssertProblemAsync(await http.PostAsJsonAsync("api/organisations", Org("ou-bad", "91350100M000100Y44"), ct), HttpStatusCode.BadRequest, ct);
        await AssertProblemAsync(await http.PostAsJsonAsync("api/organisations", Org("ou-bad", null, "ministry"), ct), HttpStatusCode.BadRequest, ct);
        await AssertProblemAsync(await http.PostAsJsonAsync("api/organisations", Org("reg-bad", null, "regulator"), ct), HttpStatusCode.BadRequest, ct);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/organisations/ou-bad", ct)).StatusCode);

        // Parties naming an unknown organisation, or a regulator as maintenance unit: 400, the parties as they were.
        var before = await server.GetJsonAsync("api/assets/el-t-001/parties", ct);
        var version = before.GetProperty("version").GetInt32();
        await AssertProblemAsync(await http.PutAsJsonAsync("api/assets/el-t-001/parties", new { ownerUnitId = "ou-9", maintenanceUnitId = "mu-a", version }, ct), HttpStatusCode.BadRequest, ct);
        await AssertProblemAsync(await http.PutAsJsonAsync("api/assets/el-t-001/parties", new { ownerUnitId = "ou-1", maintenanceUnitId = "reg-se", version }, ct), HttpStatusCode.BadRequest, ct);
        await AssertProblemAsync(await http.PutAsJsonAsync("api/assets/el-t-001/parties", new { ownerUnitId = "ou-1", maintenanceUnitId = "mu-b", version = version + 5 }, ct), HttpStatusCode.Conflict, ct);
        await AssertProblemAsync(await http.PutAsJsonAsync("api/assets/no-such-asset/parties", new { ownerUnitId = "ou-1" }, ct), HttpStatusCode.NotFound, ct);
        Assert.Equal(before.GetRawText(), (await server.GetJsonAsync("api/assets/el-t-001/parties", ct)).GetRawText());

        // An organisation assets still name cannot be retired.
        var mu = await server.GetJsonAsync("api/organisations/mu-a", ct);
        await AssertProblemAsync(await http.PutAsJsonAsync("api/organisations/mu-a", new
        {
            name = "安达电梯工程有限公司",
            kind = "maintenance_unit",
            retired = true,
            version = mu.GetProperty("version").GetInt32(),
        }, ct), HttpStatusCode.Conflict, ct);
        Assert.False((await server.GetJsonAsync("api/organisations/mu-a", ct)).GetProperty("retired").GetBoolean());

        // Only supervisors and admins write the registry.
        using var viewer = server.As("wall", ["viewer"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("api/organisations", Org("ou-v", null), ct)).StatusCode);
    }

    [Fact]
    public async Task A_new_organisation_is_created_versioned_and_audited_and_then_named_by_an_asset()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await server.Http.PostAsJsonAsync("api/organisations", new
        {
            id = "mu-c",
            name = "迅达安电梯技术有限公司",
            kind = "maintenance_unit",
            creditCode = "91330000142916567N",
            people = new[] { new { name = "何文军", role = "on_call", phone = "0571-07120004", email = "rescue@mu-c.example", account = "mu-c.duty" } },
        }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("version").GetInt32());

        var renamed = await server.Http.PutAsJsonAsync("api/organisations/mu-c", new
        {
            name = "迅达安电梯技术（演示市）有限公司",
            kind = "maintenance_unit",
            creditCode = "91330000142916567N",
            version = 1,
            people = new[] { new { name = "何文军", role = "on_call", phone = "0571-07120004", email = "rescue@mu-c.example", account = "mu-c.duty" } },
        }, ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(2, (await renamed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("version").GetInt32());

        // Two writers of the same version at once: one wins, the other is told to read again.
        var racing = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => server.Http.PutAsJsonAsync("api/organisations/mu-c", new
        {
            name = $"迅达安电梯{i}",
            kind = "maintenance_unit",
            creditCode = "91330000142916567N",
            version = 2,
            people = new[] { new { name = "何文军", role = "on_call", phone = "0571-07120004", email = "rescue@mu-c.example", account = "mu-c.duty" } },
        }, ct)));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], racing.Select(r => r.StatusCode).Order());

        using var unit = server.As("mu-c.duty", ["unit"]);
        Assert.Equal("mu-c", (await unit.GetFromJsonAsync<JsonElement>("api/unit/me", ct)).GetProperty("id").GetString());
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM registry_changes WHERE entity = 'organisation' AND entity_id = 'mu-c'", ct));
    }

    private async Task<long> CountAsync(string sql, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    [Fact]
    public async Task An_alert_raised_below_what_any_party_hears_of_is_routed_when_it_turns_red()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        using var mqtt = await server.ConnectMqttAsync("blue-to-red", ct);

        // Blue, held past its 10 s confirm time (device timestamps): no party is told of blue.
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(now.AddSeconds(-20).ToUnixTimeMilliseconds(), ("ch4_lel", 6)), ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(now.AddSeconds(-5).ToUnixTimeMilliseconds(), ("ch4_lel", 6)), ct);
        var blue = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-001", ct),
            p => p.GetProperty("items").GetArrayLength() == 1, TimeSpan.FromSeconds(30), ct);
        var alertId = blue.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        Assert.Equal("blue", blue.GetProperty("items")[0].GetProperty("severity").GetString());

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(now.ToUnixTimeMilliseconds(), ("ch4_lel", 60)), ct);

        var told = await NoticeAsync(alertId, "parties_told", ct);
        Assert.Contains(told.GetProperty("recipients").EnumerateArray(), r => r.GetProperty("organisationId").GetString() == "ou-2");
    }

    [Fact]
    public async Task A_yellow_alert_already_routed_that_turns_red_tells_its_parties_again_and_its_regulator()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        using var mqtt = await server.ConnectMqttAsync("yellow-to-red", ct);

        // Yellow, held past its 10 s confirm time: the owner unit is told, the regulator is not (it hears of red).
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry", ServerFixture.Reading(now.AddSeconds(-20).ToUnixTimeMilliseconds(), ("ch4_lel", 15)), ct);
        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry", ServerFixture.Reading(now.AddSeconds(-5).ToUnixTimeMilliseconds(), ("ch4_lel", 15)), ct);
        var yellow = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync("api/alerts?assetId=gp-t-003", ct),
            p => p.GetProperty("items").GetArrayLength() == 1, TimeSpan.FromSeconds(30), ct);
        var alertId = yellow.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        Assert.Equal("yellow", yellow.GetProperty("items")[0].GetProperty("severity").GetString());
        var first = await NoticeAsync(alertId, "parties_told", ct);
        Assert.Equal(["ou-2"], first.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("organisationId").GetString()));

        await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-003/telemetry", ServerFixture.Reading(now.ToUnixTimeMilliseconds(), ("ch4_lel", 60)), ct);

        // The same alert, now red: a second notice to the owner and, at once, the gas regulator.
        var notices = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/notifications?alertId={Uri.EscapeDataString(alertId)}", ct),
            n => n.EnumerateArray().Count(x => x.GetProperty("kind").GetString() == "parties_told") == 2, TimeSpan.FromSeconds(30), ct);
        var again = notices.EnumerateArray().Where(x => x.GetProperty("kind").GetString() == "parties_told").Single(x => x.GetProperty("step").GetInt32() != 0);
        Assert.Equal(["ou-2", "reg-gas"], again.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("organisationId").GetString()));
        Assert.Equal("regulator", again.GetProperty("recipients")[1].GetProperty("kind").GetString());
    }

    private async Task<JsonElement> NoticeAsync(string alertId, string kind, CancellationToken ct)
    {
        var notices = await ServerFixture.EventuallyAsync(
            () => server.GetJsonAsync($"api/notifications?alertId={Uri.EscapeDataString(alertId)}", ct),
            n => n.EnumerateArray().Any(x => x.GetProperty("kind").GetString() == kind), TimeSpan.FromSeconds(30), ct);
        return notices.EnumerateArray().Single(x => x.GetProperty("kind").GetString() == kind);
    }

    private static List<string> Actions(JsonElement history) => [.. history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!)];

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, CancellationToken ct)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).TryGetProperty("title", out _));
    }
}
