using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace RiskMonitor.Server.Tests.Incidents;

/// <summary>The on-call reporting flow in chromium: record, see the clocks, get the late push, report, follow up, close.</summary>
public sealed class IncidentPageTests(IncidentServerFixture fixture, BrowserFixture browser) : IClassFixture<IncidentServerFixture>, IClassFixture<BrowserFixture>
{
    private const string Leader = DutyRoster.Leader;

    [Fact]
    public async Task The_leader_on_duty_records_an_incident_sees_the_county_hour_missed_reports_follows_up_and_closes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await DutyRoster.PutOnDutyAsync(fixture.Server.Http, ct, Leader);
        fixture.CatchUpWithRealTime();
        var (page, errors) = await browser.OpenLivePageAsync(fixture.Server.BaseUrl, "/oncall/incidents", 412, 1600, Leader, "supervisor", TimeSpan.FromSeconds(20));

        await page.Locator("#new").ClickAsync();
        await page.Locator("#open-form [name=title]").FillAsync("幸福路燃气泄漏爆燃");
        await page.Locator("#open-form [name=place]").FillAsync("幸福路 8 号");
        await page.Locator("#open-form [name=deaths]").FillAsync("3");
        await page.Locator("#open-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-title")).ToContainTextAsync("较大");
        await Assertions.Expect(page.Locator("#clock-rows tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#clock-rows tr[data-clock='first:county']")).ToHaveAttributeAsync("data-status", "pending");

        // The county's hour runs out with nobody reporting: the server pushes it to the leader on duty's page.
        fixture.Clock.Advance(TimeSpan.FromMinutes(61));
        await Assertions.Expect(page.Locator("#pushed")).ToContainTextAsync("迟报", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#clock-rows tr[data-clock='first:county']")).ToHaveAttributeAsync("data-status", "overdue");

        await ReportAsync(page, "first", "county", "西区应急管理局值班室", "燃气泄漏爆燃, 死亡 3 人", null);
        await Assertions.Expect(page.Locator("#clock-rows tr[data-clock='first:county']")).ToHaveAttributeAsync("data-status", "met_late");
        await ReportAsync(page, "follow_up", "county", "西区应急管理局值班室", "续报: 死亡 12 人", "12");
        await Assertions.Expect(page.Locator("#detail-title")).ToContainTextAsync("重大");
        await Assertions.Expect(page.Locator("#clock-rows tr")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#clock-rows tr[data-clock='first:state_council']")).ToHaveAttributeAsync("data-status", "pending");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "oncall-incident-ladder.png"), FullPage = true });

        await ReportAsync(page, "final", "county", "西区应急管理局值班室", "终报", null);
        await page.Locator("#close-form [name=supervisingBody]").FillAsync("国务院安委会办公室");
        await page.Locator("#close-form [name=note]").FillAsync("事故调查报告已批复");
        await page.Locator("#close").ClickAsync();
        await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("已结案"); // the page speaks Chinese by default
        await Assertions.Expect(page.Locator("#history li[data-action='closed']")).ToHaveCountAsync(1);
        Assert.Empty(errors);
    }

    private static async Task ReportAsync(IPage page, string kind, string level, string to, string content, string? deaths)
    {
        var form = page.Locator("#report-form");
        await form.Locator("[name=kind]").SelectOptionAsync(kind);
        await form.Locator("[name=level]").SelectOptionAsync(level);
        await form.Locator("[name=to]").FillAsync(to);
        await form.Locator("[name=content]").FillAsync(content);
        await form.Locator("[name=deaths]").FillAsync(deaths ?? "");
        await page.EvaluateAsync("() => { document.getElementById('action-result').textContent = ''; }");
        await page.Locator("#report").ClickAsync();
        await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("已记录");
    }
}
