using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using RiskMonitor.Server.Hazards;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>
/// A server whose hazard watch looks every second and pushes again after 3 s (instead of a minute and 12 h), with a
/// 64 KiB evidence limit, over the test region file (t-city, districts t-d1/t-d2, grids t-g1..t-g4).
/// </summary>
public sealed class HazardServerFixture : ServerFixture
{
    public const int EvidenceMaxBytes = 64 * 1024;

    protected override string? RegionsGeoJson() => TestCity.Regions();

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Hazards:OverdueCheckInterval"] = "00:00:01";
        settings["Hazards:OverdueRepeat"] = "00:00:03";
        settings["Hazards:EvidenceMaxBytes"] = EvidenceMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}

/// <summary>Hazard supervision and the tip line end to end on PostgreSQL (issue 21 items 3 and 4).</summary>
public sealed class HazardSupervisionEndToEndTests(HazardServerFixture server, BrowserFixture browser)
    : IClassFixture<HazardServerFixture>, IClassFixture<BrowserFixture>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task A_re_graded_tip_listed_and_past_its_deadline_is_pushed_to_the_duty_room_again_and_again_with_no_page_open()
    {
        var ct = TestContext.Current.CancellationToken;
        var pushes = new ConcurrentQueue<JsonElement>();
        await using var dutyRoom = await server.ConnectHubAsync(TestIdentity.Token("li.wei", ["operator"]), ct);
        dutyRoom.On<JsonElement>("hazardOverdue", pushes.Enqueue);
        await dutyRoom.InvokeAsync("JoinRole", "duty_officer", ct);
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        var id = await TipAsync("化工厂围墙外储罐阀门滴漏，有刺鼻气味", "13900001111", ct);

        var noReason = await supervisor.PostAsJsonAsync($"api/hazards/{id}/regrade", new { level = "major" }, ct);
        var regrade = await supervisor.PostAsJsonAsync($"api/hazards/{id}/regrade", new { level = "major", reason = "现场核查：储罐区无围堰，属重大隐患" }, ct);
        var assign = await supervisor.PostAsJsonAsync($"api/hazards/{id}/assign",
            new { responsibleUnit = "某化工公司", deadline = DateTimeOffset.UtcNow.AddSeconds(2), supervisingDepartment = "市应急管理局" }, ct);
        // Nobody reads anything now: the pushes must come by themselves.
        await ServerFixture.EventuallyAsync(
            () => Task.FromResult(pushes.Count(p => p.GetProperty("hazardId").GetString() == id && p.GetProperty("step").GetInt32() == 2)), n => n >= 1,
            TimeSpan.FromSeconds(60), ct);
        var history = await server.GetJsonAsync($"api/hazards/{id}/history", ct);
        var hazard = await server.GetJsonAsync($"api/hazards/{id}", ct);
        var feed = await server.GetJsonAsync("api/feed?after=0&limit=1000&types=hazard.overdue_escalated", ct);

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, regrade.StatusCode);
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        // A connection in several of the addressed groups (the duty officer's role and the city's walls) hears a push
        // once per group; a push is known by its hazard and step.
        var steps = pushes.Where(p => p.GetProperty("hazardId").GetString() == id).Select(p => p.GetProperty("step").GetInt32()).Distinct().ToList();
        Assert.Equal([1, 2], steps.Take(2));
        var second = pushes.First(p => p.GetProperty("hazardId").GetString() == id && p.GetProperty("step").GetInt32() == 2);
        Assert.Equal(["supervising_department", "duty_officer", "duty_leader"],
            second.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("kind").GetString()!));
        var actions = history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
        Assert.Equal(["reported", "regraded", "assigned", "overdue_escalated", "overdue_escalated"], actions.Take(5));
        Assert.Contains("现场核查", history[1].GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains("市应急管理局", history[3].GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.True(hazard.GetProperty("overdue").GetBoolean());
        Assert.True(hazard.GetProperty("hazard").GetProperty("overdueEscalations").GetInt32() >= 2);
        Assert.Contains(feed.GetProperty("events").EnumerateArray(), e => e.GetRawText().Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tips_caller_contact_is_in_no_answer_for_a_viewer_or_operator_nor_in_the_feed_cap_or_an_export()
    {
        var ct = TestContext.Current.CancellationToken;
        const string contact = "13755550199 王先生";
        // Every hub message a wall receives about hazards is collected too: the tip is made listed and overdue below so that
        // it is pushed (and lands in the shift handover's overdue list).
        var hubMessages = new ConcurrentQueue<JsonElement>();
        await using var wall = await server.ConnectHubAsync(TestIdentity.Token("wall", ["viewer"]), ct);
        wall.On<JsonElement>(HazardOverduePush.Method, hubMessages.Enqueue);
        var intake = await server.Http.PostAsJsonAsync("api/hazards/tip-line",
            new { description = "小区地下车库燃气管道锈蚀，闻到燃气味", location = "幸福路 8 号", contact, category = "gas", longitude = 120.15, latitude = 30.2 }, ct);
        var receiptText = await intake.Content.ReadAsStringAsync(ct);
        var receipt = JsonDocument.Parse(receiptText).RootElement;
        var id = receipt.GetProperty("hazardId").GetString()!;
        var reference = receipt.GetProperty("reference").GetString()!;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        await supervisor.PostAsJsonAsync($"api/hazards/{id}/regrade", new { level = "major", reason = "燃气管道穿越车库，人员密集" }, ct);
        using var assigned = await supervisor.PostAsJsonAsync($"api/hazards/{id}/assign",
            new { responsibleUnit = "某燃气公司", deadline = DateTimeOffset.UtcNow.AddSeconds(2), supervisingDepartment = "市城市管理局" }, ct);
        var pushed = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(hubMessages.Where(m => m.GetProperty("hazardId").GetString() == id).ToList()), m => m.Count > 0, TimeSpan.FromSeconds(60), ct);
        using (var operatorClient = server.As("li.wei", ["operator"]))
        {
            await operatorClient.PostAsync($"api/hazards/{id}/evidence?fileName=photo.png", Bytes(Png, "image/png"), ct);
        }

        var bodies = new List<(string Who, string Path, HttpStatusCode Status, string Body)> { ("caller", "api/hazards/tip-line", intake.StatusCode, receiptText) };
        var reads = new[]
        {
            "api/hazards", $"api/hazards/{id}", $"api/hazards/{id}/history", "api/hazards/stats", "api/map/hazards", $"api/hazards/{id}/evidence",
            $"api/hazards/{id}/tip", "api/hazards?overdue=true", "api/reports/risk-snapshot", "api/reports/risk-snapshot?format=csv", "api/kpis",
            "api/alerts", "api/incidents", "api/notifications", "api/reports/handover", "api/reports/handover?format=html",
            "api/reports/circular?period=daily", "api/reports/circular?period=daily&format=html", "api/reports/circular?period=daily&format=xlsx",
        };
        foreach (var (name, role) in new[] { ("wall", "viewer"), ("li.wei", "operator") })
        {
            using var client = TestIdentity.Client(server.BaseUrl, name, [role]);
            foreach (var path in reads)
            {
                using var response = await client.GetAsync(path, ct);
                bodies.Add((role, path, response.StatusCode, await TextOfAsync(response, ct)));
            }
        }

        bodies.AddRange(pushed.Select(m => ("hub", HazardOverduePush.Method, HttpStatusCode.OK, m.GetRawText())));
        using (var integrator = TestIdentity.Client(server.BaseUrl, "city", ["integrator"]))
        {
            foreach (var path in new[] { "api/feed?after=0&limit=1000", "api/feed/cap" })
            {
                using var response = await integrator.GetAsync(path, ct);
                bodies.Add(("integrator", path, response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
            }
        }

        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };
        using (var outcome = await anonymous.GetAsync($"api/hazards/tip-line/{reference}", ct))
        {
            bodies.Add(("caller", "outcome", outcome.StatusCode, await outcome.Content.ReadAsStringAsync(ct)));
        }

        var tipForSupervisor = await supervisor.GetFromJsonAsync<JsonElement>($"api/hazards/{id}/tip", ct);

        Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Matches("^TIP-[2-9A-HJKMNP-Z]{10}$", reference);
        Assert.Equal("t-g1", receipt.GetProperty("regionId").GetString());
        Assert.Equal("coordinates", receipt.GetProperty("placement").GetString());
        Assert.Equal("市城市管理局（燃气）", receipt.GetProperty("department").GetString());
        Assert.All(bodies.Where(b => b.Path.EndsWith("/tip", StringComparison.Ordinal)), b => Assert.Equal(HttpStatusCode.Forbidden, b.Status));
        Assert.All(bodies.Where(b => b.Who != "caller" && !b.Path.EndsWith("/tip", StringComparison.Ordinal)), b => Assert.True(b.Status == HttpStatusCode.OK, $"{b.Who} {b.Path}: {b.Status}"));
        Assert.Contains(bodies, b => b.Path == "api/feed?after=0&limit=1000" && b.Body.Contains(id, StringComparison.Ordinal)); // the feed does carry the tip
        Assert.Contains(bodies, b => b.Path == "outcome" && b.Body.Contains("\"status\":\"assigned\"", StringComparison.Ordinal));
        // The controls: the hub message and the handover do carry this hazard, so their silence about the caller means something.
        Assert.Contains(bodies, b => b.Who == "hub" && b.Body.Contains(id, StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Who == "viewer" && b.Path == "api/reports/handover?format=html" && b.Body.Contains(id, StringComparison.Ordinal));
        var leaks = bodies.Where(b => b.Body.Contains("13755550199", StringComparison.Ordinal) || b.Body.Contains("王先生", StringComparison.Ordinal))
            .Select(b => $"{b.Who} {b.Path}").ToList();
        Assert.True(leaks.Count == 0, "the caller's contact is in: " + string.Join(", ", leaks));
        Assert.True(bodies.Count >= 2 * reads.Length + 4);
        Assert.Equal(contact, tipForSupervisor.GetProperty("contact").GetString()); // the control: supervisors do read it
    }

    [Fact]
    public async Task An_evidence_file_too_large_or_not_a_photo_or_pdf_is_refused_with_problem_details_and_nothing_is_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var operatorClient = server.As("li.wei", ["operator"]);
        var id = await TipAsync("井盖破损，路面塌陷风险", null, ct);
        var tooLarge = new byte[HazardServerFixture.EvidenceMaxBytes + 1];
        Png.CopyTo(tooLarge, 0);

        using var large = await operatorClient.PostAsync($"api/hazards/{id}/evidence?fileName=big.png", Bytes(tooLarge, "image/png"), ct);
        using var script = await operatorClient.PostAsync($"api/hazards/{id}/evidence?fileName=photo.jpg",
            Bytes("<html><script>alert(1)</script></html>"u8.ToArray(), "image/jpeg"), ct);
        using var empty = await operatorClient.PostAsync($"api/hazards/{id}/evidence?fileName=photo.png", Bytes([], "image/png"), ct);
        var before = await server.GetJsonAsync($"api/hazards/{id}/evidence", ct);
        using var good = await operatorClient.PostAsync($"api/hazards/{id}/evidence?fileName=..%2F..%2Fsite%20photo.png", Bytes(Png, "application/octet-stream"), ct);
        var stored = await good.Content.ReadFromJsonAsync<JsonElement>(ct);
        var evidenceId = stored.GetProperty("evidenceId").GetString()!;
        using var viewer = TestIdentity.Client(server.BaseUrl, "wall", ["viewer"]);
        using var download = await viewer.GetAsync($"api/hazards/{id}/evidence/{evidenceId}", ct);
        using var otherDistrict = TestIdentity.Client(server.BaseUrl, "网格员.东", ["viewer"], ["t-d2"]);
        using var outsider = await otherDistrict.GetAsync($"api/hazards/{id}/evidence/{evidenceId}", ct);
        var history = await server.GetJsonAsync($"api/hazards/{id}/history", ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, script.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.All(new[] { large, script, empty }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal(0, before.GetArrayLength());
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal("png", stored.GetProperty("kind").GetString());
        Assert.Equal("site photo.png", stored.GetProperty("fileName").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        Assert.Equal(["reported", "evidence_attached"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
    }

    [Fact]
    public async Task The_wall_shows_open_hazards_as_a_layer_coloured_by_grade_and_marks_the_overdue_listed_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var supervisor = server.As("zhang.min", ["supervisor"]);
        var general = await TipAsync("路边燃气调压箱门锁损坏", null, ct);
        var overdue = await ReportAsync(supervisor, "液氨储罐区与居民区安全距离不足", "t-g3", DateTimeOffset.UtcNow.AddSeconds(2), ct);
        var listed = await ReportAsync(supervisor, "加油站卸油口静电接地失效", "t-g2", DateTimeOffset.UtcNow.AddDays(20), ct);
        // A hazard recorded in a drill (decision 0049) is on the layer too, marked as the drill's.
        using var drill = await supervisor.PostAsJsonAsync("api/drills", new { title = "隐患排查演练", mode = "unscripted" }, ct);
        Assert.Equal(HttpStatusCode.Created, drill.StatusCode);
        var drillId = (await drill.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("drillId").GetString()!;
        using var drillHazard = await supervisor.PostAsJsonAsync("api/hazards", new { description = "演练：消防通道堵塞", regionId = "t-g4", drillId }, ct);
        Assert.Equal(HttpStatusCode.Created, drillHazard.StatusCode);
        var drilled = (await drillHazard.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString()!;
        await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/hazards/{overdue}", ct),
            h => h.GetProperty("hazard").GetProperty("overdueEscalations").GetInt32() >= 1, TimeSpan.FromSeconds(30), ct);

        var (page, errors) = await browser.OpenLivePageAsync(server.BaseUrl, "/wall", 1920, 1080, "wall", "viewer", TimeSpan.FromSeconds(30));
        await page.WaitForFunctionAsync(
            $"() => ['{general}', '{overdue}', '{listed}', '{drilled}'].every(id => document.querySelector(`.hazard[data-hazard-id='${{id}}']`))",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-hazard-layer.png") });
        var box = await page.Locator($".hazard[data-hazard-id='{overdue}']").BoundingBoxAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-hazard-layer-detail.png"),
            Clip = new Clip { X = box!.X - 420, Y = box.Y - 60, Width = 560, Height = 120 },
        });
        var classes = await page.EvalOnSelectorAllAsync<string[]>(".hazard", "els => els.map(e => `${e.dataset.hazardId} ${e.className}`)");
        string ClassOf(string id) => classes.Single(c => c.StartsWith(id + " ", StringComparison.Ordinal));
        var tooltip = await HoverAsync(page, overdue);
        await page.HoverAsync($".hazard[data-hazard-id='{drilled}']");
        await page.WaitForFunctionAsync($"() => document.querySelector('.leaflet-tooltip')?.textContent.includes('{drillId}')",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        var drillTooltip = await page.TextContentAsync(".leaflet-tooltip") ?? "";
        await page.ClickAsync("button[data-layer='hazards']");
        var hiddenCount = await page.Locator(".hazard").CountAsync();
        await page.ClickAsync("button[data-layer='hazards']");

        Assert.Contains(" general", ClassOf(general), StringComparison.Ordinal);
        Assert.DoesNotContain("overdue", ClassOf(general), StringComparison.Ordinal);
        Assert.Contains(" major", ClassOf(overdue), StringComparison.Ordinal);
        Assert.Contains(" overdue", ClassOf(overdue), StringComparison.Ordinal);
        Assert.Contains(" listed", ClassOf(overdue), StringComparison.Ordinal);
        Assert.Contains(" listed", ClassOf(listed), StringComparison.Ordinal);
        Assert.DoesNotContain("overdue", ClassOf(listed), StringComparison.Ordinal);
        Assert.Contains("逾期未整改", tooltip, StringComparison.Ordinal);
        Assert.Contains("市应急管理局", tooltip, StringComparison.Ordinal);
        Assert.Contains(" drill", ClassOf(drilled), StringComparison.Ordinal);
        Assert.All(new[] { general, overdue, listed }, id => Assert.DoesNotContain("drill", ClassOf(id), StringComparison.Ordinal));
        Assert.StartsWith($"演练 {drillId}", drillTooltip, StringComparison.Ordinal);
        Assert.Equal(0, hiddenCount);
        Assert.Empty(errors);

        // The on-call page's hazard ledger tags the drill's hazard with the drill, and no real one.
        var (oncall, oncallErrors) = await browser.OpenLivePageAsync(server.BaseUrl, "/oncall", 390, 844, "li.wei", "operator", TimeSpan.FromSeconds(30));
        await oncall.ClickAsync("#tab-hazards");
        await oncall.WaitForSelectorAsync($"tr[data-hazard-id='{drilled}'] .tag-drill", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await oncall.WaitForSelectorAsync($"tr[data-hazard-id='{listed}']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await oncall.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-hazards-drill.png"), FullPage = true });
        Assert.Contains(drillId, await oncall.TextContentAsync($"tr[data-hazard-id='{drilled}'] .tag-drill") ?? "", StringComparison.Ordinal);
        foreach (var id in new[] { general, overdue, listed })
        {
            Assert.Equal(0, await oncall.Locator($"tr[data-hazard-id='{id}'] .tag-drill").CountAsync());
        }

        Assert.Empty(oncallErrors);
        await oncall.Context.CloseAsync();
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync($"api/drills/{drillId}/end", new { }, ct)).StatusCode);
    }

    private static async Task<string> HoverAsync(IPage page, string hazardId)
    {
        await page.HoverAsync($".hazard[data-hazard-id='{hazardId}']");
        await page.WaitForSelectorAsync(".leaflet-tooltip");
        return await page.TextContentAsync(".leaflet-tooltip") ?? "";
    }

    private static async Task<string> ReportAsync(HttpClient client, string description, string regionId, DateTimeOffset deadline, CancellationToken ct)
    {
        using var report = await client.PostAsJsonAsync("api/hazards", new { description, level = "major", regionId, industry = "hazardous_chemicals" }, ct);
        var id = (await report.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString()!;
        using var assign = await client.PostAsJsonAsync($"api/hazards/{id}/assign",
            new { responsibleUnit = "某危化品企业", deadline, supervisingDepartment = "市应急管理局" }, ct);
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        return id;
    }

    private async Task<string> TipAsync(string description, string? contact, CancellationToken ct)
    {
        using var intake = await server.Http.PostAsJsonAsync("api/hazards/tip-line",
            new { description, location = "区域t-g1 东港路 12 号", contact, category = "hazardous_chemicals" }, ct);
        Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        return (await intake.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazardId").GetString()!;
    }

    /// <summary>The body as text; a workbook (a zip of XML parts) as the text of all its parts, where its cells are.</summary>
    private static async Task<string> TextOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        {
            return await response.Content.ReadAsStringAsync(ct);
        }

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync(ct)));
        var text = new System.Text.StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            text.Append(await reader.ReadToEndAsync(ct));
        }

        Assert.Contains("sharedStrings", string.Join(",", zip.Entries.Select(e => e.FullName)), StringComparison.Ordinal);
        return text.ToString();
    }

    private static ByteArrayContent Bytes(byte[] content, string type)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(type);
        return body;
    }
}
