using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MimeKit;
using Npgsql;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// Shift handover reports by e-mail on the real thing (issue 20 item 6, decision 0061): three shifts on the duty roster,
/// two handover subscriptions made over the API (the city, and district t-d2), red alerts on pipelines of both
/// districts; at each shift change on the reports' clock every subscriber receives the handover page once from a real
/// SMTP server (smtp4dev), naming the outgoing and incoming shift and the alerts of its own scope, and more passes of the
/// schedule between the changes send nothing.
/// </summary>
public sealed class HandoverReportEndToEndTests : IAsyncLifetime
{
    private readonly ReportMailHost _host = new();

    public async ValueTask InitializeAsync() => await _host.StartAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Each_shift_change_mails_the_handover_once_to_each_subscriber_with_the_alerts_of_its_scope()
    {
        var ct = TestContext.Current.CancellationToken;
        // Whole seconds: the roster stores what it is given, the subject names the change to the second.
        var first = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(20).ToUnixTimeSeconds());
        await AddShiftAsync(first.AddHours(-12), first, "白班值班员", "白班领导", ct);
        await AddShiftAsync(first, first.AddHours(12), "夜班值班员", "夜班领导", ct);
        await AddShiftAsync(first.AddHours(12), first.AddHours(24), "次日白班值班员", "次日白班领导", ct);
        var city = await _host.Server.Http.PostAsJsonAsync("api/reports/subscriptions", new { id = "city-handover", report = "handover", recipient = "张敏", email = "zhang.min@city.example" }, ct);
        var west = await _host.Server.Http.PostAsJsonAsync(
            "api/reports/subscriptions", new { id = "west-handover", report = "handover", recipient = "王芳", email = "wang.fang@city.example", regions = new[] { "t-d2" } }, ct);
        var withPeriod = await _host.Server.Http.PostAsJsonAsync("api/reports/subscriptions", new { report = "handover", period = "daily", recipient = "王芳", email = "wang.fang@city.example" }, ct);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.BadRequest), (city.StatusCode, west.StatusCode, withPeriod.StatusCode));
        Assert.Equal("handover", (await city.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("report").GetString());
        var east = await CircularEndToEndTests.RaiseRedAsync(_host.Server, "gp-r-001", ct); // district t-d1
        var westAlert = await CircularEndToEndTests.RaiseRedAsync(_host.Server, "gp-r-003", ct); // district t-d2

        // Nothing before the change; then the first change comes on the reports' clock.
        _host.Clock.Advance(first.AddMinutes(-1) - _host.Clock.GetUtcNow());
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        Assert.Empty(await _host.Mailbox.MailsAsync(ct));
        // Each poll moves the clock on a second, so a pass of the schedule that went to sleep meanwhile wakes too.
        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        var mails = await ServerFixture.EventuallyAsync(
            () => { _host.Clock.Advance(TimeSpan.FromSeconds(1)); return _host.Mailbox.MailsAsync(ct); }, m => m.Count >= 2, TimeSpan.FromSeconds(60), ct);

        var pages = await PagesAsync(mails, ct);
        var title = first.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture) + " 交接班报告";
        Assert.All(mails, m => Assert.Equal(title, m.Subject));
        Assert.Equal(["wang.fang@city.example", "zhang.min@city.example"], pages.Keys.Order(StringComparer.Ordinal));
        Assert.All(pages.Values, p => Assert.Contains("交班：值班员 白班值班员，带班领导 白班领导　接班：值班员 夜班值班员，带班领导 夜班领导", p, StringComparison.Ordinal));
        Assert.Contains(east, pages["zhang.min@city.example"], StringComparison.Ordinal);
        Assert.Contains(westAlert, pages["zhang.min@city.example"], StringComparison.Ordinal);
        Assert.Contains(westAlert, pages["wang.fang@city.example"], StringComparison.Ordinal);
        Assert.DoesNotContain(east, pages["wang.fang@city.example"], StringComparison.Ordinal); // the district's own only

        // Once per change: an hour of further passes (and the outbox's unique key) add nothing.
        await ServerFixture.EventuallyAsync(() => CountAsync("SELECT count(*) FROM record_messages WHERE kind = 'report' AND delivered_at IS NOT NULL", ct), d => d == 2, TimeSpan.FromSeconds(30), ct);
        for (var i = 0; i < 6; i++)
        {
            _host.Clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct); // lets the woken pass run; the counts below are what is checked
        }

        Assert.Equal(2, await CountAsync("SELECT count(*) FROM record_messages WHERE kind = 'report'", ct));
        Assert.Equal(2, (await _host.Mailbox.MailsAsync(ct)).Count);

        // The next change (night shift to the next day shift) is a new handover: one more each, naming the new shifts.
        _host.Clock.Advance(first.AddHours(12).AddSeconds(2) - _host.Clock.GetUtcNow());
        var all = await ServerFixture.EventuallyAsync(
            () => { _host.Clock.Advance(TimeSpan.FromSeconds(1)); return _host.Mailbox.MailsAsync(ct); }, m => m.Count >= 4, TimeSpan.FromSeconds(60), ct);
        var second = await PagesAsync([.. all.Where(m => !mails.Any(earlier => earlier.Id == m.Id))], ct);
        Assert.Equal(2, second.Count);
        Assert.All(second.Values, p => Assert.Contains("交班：值班员 夜班值班员，带班领导 夜班领导　接班：值班员 次日白班值班员", p, StringComparison.Ordinal));
        Assert.Equal(4, await CountAsync("SELECT count(*) FROM record_messages WHERE kind = 'report'", ct));
    }

    /// <summary>Each mail's handover page (its one attachment, an .html file), by recipient.</summary>
    private async Task<Dictionary<string, string>> PagesAsync(IReadOnlyList<(string Id, string To, string Subject)> mails, CancellationToken ct)
    {
        var pages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mail in mails)
        {
            using var raw = new MemoryStream(await _host.Mailbox.RawAsync(mail.Id, ct));
            var message = await MimeMessage.LoadAsync(raw, ct);
            var page = Assert.Single(message.Attachments.OfType<MimePart>());
            Assert.StartsWith("handover-", page.FileName, StringComparison.Ordinal);
            Assert.EndsWith(".html", page.FileName, StringComparison.Ordinal);
            using var bytes = new MemoryStream();
            await page.Content!.DecodeToAsync(bytes, ct);
            pages[message.To.Mailboxes.Single().Address] = System.Text.Encoding.UTF8.GetString(bytes.ToArray());
        }

        return pages;
    }

    private async Task AddShiftAsync(DateTimeOffset startsAt, DateTimeOffset endsAt, string officer, string leader, CancellationToken ct)
    {
        var response = await _host.Server.Http.PostAsJsonAsync("api/duty/shifts", new { startsAt, endsAt, officer, officerPhone = "13800000001", leader, leaderPhone = "13700000002", actor = "admin" }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<long> CountAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_host.Server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
