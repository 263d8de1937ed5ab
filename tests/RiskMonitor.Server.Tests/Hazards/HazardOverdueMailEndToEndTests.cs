using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RiskMonitor.Server.Tests.Messaging;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>
/// Issue 21's "a listed hazard past its deadline escalates without anyone opening a page", down to the mailbox: with no
/// page, hub or request after the assignment, the hazard watch pushes it and the record outbox (decision 0042) mails the
/// supervising department and the duty officer, and again, per the policy (here every 3 s instead of 12 h), with the
/// leader on duty from the second push. The mail is read back from a real SMTP server (smtp4dev).
/// </summary>
public sealed class HazardOverdueMailEndToEndTests : IAsyncLifetime
{
    private const string Department = "市应急管理局";
    private readonly Smtp4devMailbox _mailbox = new();
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _mailbox.StartAsync(ct);
        var settings = new Dictionary<string, string?>(_mailbox.ServerSettings())
        {
            ["Hazards:OverdueCheckInterval"] = "00:00:01",
            ["Hazards:OverdueRepeat"] = "00:00:03",
            ["Messaging:Contacts:0:Name"] = Department,
            ["Messaging:Contacts:0:Email"] = "duty@yjj.example",
            ["Messaging:Contacts:1:Name"] = "张值班",
            ["Messaging:Contacts:1:Email"] = "zhang@duty.example",
            ["Messaging:Contacts:2:Name"] = "赵领导",
            ["Messaging:Contacts:2:Email"] = "zhao@duty.example",
        };
        _server = await OwnServer.StartAsync(settings, ct, regionsGeoJson: TestCity.Regions());
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _mailbox.DisposeAsync();
    }

    [Fact]
    public async Task An_overdue_listed_hazard_is_mailed_to_its_department_and_the_duty_room_again_and_again_with_no_page_open()
    {
        var ct = TestContext.Current.CancellationToken;
        await DutyRoster.PutOnDutyAsync(_server.Http, ct);
        using var supervisor = _server.As("zhang.min", ["supervisor"]);
        var reported = await supervisor.PostAsJsonAsync("api/hazards", new { description = "储罐区无围堰", level = "major", regionId = "t-g1", industry = "hazardous_chemicals" }, ct);
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var id = (await reported.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hazard").GetProperty("hazardId").GetString()!;
        var assigned = await supervisor.PostAsJsonAsync($"api/hazards/{id}/assign",
            new { responsibleUnit = "某化工公司", deadline = DateTimeOffset.UtcNow.AddSeconds(2), supervisingDepartment = Department }, ct);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);

        // Nobody reads anything from here on: the mails must come by themselves, the second push to three people.
        var mails = await ServerFixture.EventuallyAsync(() => _mailbox.MailsAsync(ct),
            m => m.Count(x => x.Subject.Contains("第2次督办", StringComparison.Ordinal)) >= 3, TimeSpan.FromSeconds(90), ct);

        var first = mails.Where(m => m.Subject.Contains("第1次督办", StringComparison.Ordinal)).ToList();
        var second = mails.Where(m => m.Subject.Contains("第2次督办", StringComparison.Ordinal)).ToList();
        Assert.Equal(["duty@yjj.example", "zhang@duty.example"], first.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.Equal(["duty@yjj.example", "zhang@duty.example", "zhao@duty.example"], second.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.All(first.Concat(second), m => Assert.StartsWith("【挂牌督办隐患逾期】" + id, m.Subject, StringComparison.Ordinal));
        var text = await _mailbox.PlainTextAsync(first.Single(m => m.To == "duty@yjj.example").Id, ct);
        Assert.Contains("储罐区无围堰", text, StringComparison.Ordinal);
        Assert.Contains("某化工公司", text, StringComparison.Ordinal);
        Assert.Contains(Department, text, StringComparison.Ordinal);
        // The pushes are the hazard's own record too: its ledger holds them, each naming the department.
        var history = await _server.GetJsonAsync($"api/hazards/{id}/history", ct);
        var pushes = history.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "overdue_escalated").ToList();
        Assert.True(pushes.Count >= 2);
        Assert.All(pushes, p => Assert.Contains(Department, p.GetProperty("note").GetString(), StringComparison.Ordinal));
    }
}
