using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using MimeKit;
using Npgsql;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// Scheduled reports by e-mail on the real thing (issue 20 item 6, decision 0056): two subscriptions made over the API
/// (the city, and district t-d2), alerts raised on three pipelines, the day ended on the reports' clock; each subscriber
/// receives the day's circular once from a real SMTP server (smtp4dev), with the PDF and the .xlsx attached, and the
/// .xlsx figures match the PostgreSQL ledger (the city's) and the district's own alert (the district's).
/// </summary>
public sealed class ScheduledReportEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly ReportMailHost _host = new();

    public async ValueTask InitializeAsync() => await _host.StartAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task The_days_circular_is_mailed_once_to_each_subscriber_with_pdf_and_xlsx_matching_the_ledger()
    {
        var ct = TestContext.Current.CancellationToken;
        var city = await _host.Server.Http.PostAsJsonAsync("api/reports/subscriptions", new { id = "city-daily", period = "daily", recipient = "张敏", email = "zhang.min@city.example" }, ct);
        var west = await _host.Server.Http.PostAsJsonAsync("api/reports/subscriptions", new { id = "west-daily", period = "daily", recipient = "王芳", email = "wang.fang@city.example", regions = new[] { "t-d2" } }, ct);
        var bad = await _host.Server.Http.PostAsJsonAsync("api/reports/subscriptions", new { period = "daily", recipient = "王芳", email = "wang.fang", regions = new[] { "t-d9" } }, ct);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.BadRequest), (city.StatusCode, west.StatusCode, bad.StatusCode));
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        var ids = new Dictionary<string, string>();
        foreach (var asset in new[] { "gp-r-001", "gp-r-002", "gp-r-003" })
        {
            ids[asset] = await CircularEndToEndTests.RaiseRedAsync(_host.Server, asset, ct);
        }

        Assert.Equal(HttpStatusCode.OK, (await _host.Server.Http.PostAsJsonAsync($"api/alerts/{ids["gp-r-001"]}/acknowledge", new { actor = "张值班" }, ct)).StatusCode);
        var raised = (await _host.Server.GetJsonAsync($"api/alerts/{ids["gp-r-003"]}", ct)).GetProperty("raisedAt").GetDateTimeOffset();
        var (from, to) = Circular.PeriodOf(CircularPeriod.Daily, DateOnly.FromDateTime(raised.ToOffset(China).DateTime), China);

        // The day ends on the reports' clock; each poll moves it on a minute, so a pass of the schedule sleeping on it wakes.
        _host.Clock.Advance(to.AddMinutes(1) - _host.Clock.GetUtcNow());
        var mails = await ServerFixture.EventuallyAsync(
            () => { _host.Clock.Advance(TimeSpan.FromMinutes(1)); return _host.Mailbox.MailsAsync(ct); }, m => m.Count >= 2, TimeSpan.FromSeconds(90), ct);
        var ledger = await CircularEndToEndTests.LedgerByOwnerAsync(_host.Server, from, to, ct);

        var title = Circular.Title(CircularPeriod.Daily, from, China);
        Assert.All(mails, m => Assert.Equal(title, m.Subject));
        var byRecipient = new Dictionary<string, XLWorkbook>();
        foreach (var mail in mails)
        {
            using var raw = new MemoryStream(await _host.Mailbox.RawAsync(mail.Id, ct));
            var message = await MimeMessage.LoadAsync(raw, ct);
            var files = message.Attachments.OfType<MimePart>().ToDictionary(a => a.FileName ?? "", Content, StringComparer.Ordinal);
            var name = CircularEndpoints(from);
            Assert.Equal([name + ".pdf", name + ".xlsx"], files.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("%PDF-"u8.ToArray(), files[name + ".pdf"][..5]);
            byRecipient[message.To.Mailboxes.Single().Address] = new XLWorkbook(new MemoryStream(files[name + ".xlsx"]));
        }

        // The city's report is the ledger's day, owner by owner; the district's has its one pipeline's alert only.
        Assert.Equal(ledger.OrderBy(l => l.Key, StringComparer.Ordinal), CircularEndToEndTests.RowsByOwner(byRecipient["zhang.min@city.example"]).OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal((3, 1), (ledger.Values.Sum(l => l.Alerts), ledger.Values.Sum(l => l.Acknowledged)));
        var district = byRecipient["wang.fang@city.example"];
        Assert.Equal("区域t-d2", district.Worksheet("概要").Cell(3, 2).GetString());
        Assert.Equal(["城西燃气有限公司"], CircularEndToEndTests.RowsByOwner(district).Keys);
        Assert.Equal(1, district.Worksheet("概要").Cell(6, 2).GetValue<int>());

        // Sent once: both deliveries are marked in the outbox, and more passes of the schedule (an hour of them) add nothing.
        await ServerFixture.EventuallyAsync(() => DeliveredReportsAsync(ct), d => d == 2, TimeSpan.FromSeconds(30), ct);
        for (var i = 0; i < 6; i++)
        {
            _host.Clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct); // lets the woken pass run; the count below is what is checked
        }

        Assert.Equal(2, await ReportMessagesAsync(ct));
        Assert.Equal(2, (await _host.Mailbox.MailsAsync(ct)).Count);
        foreach (var workbook in byRecipient.Values)
        {
            workbook.Dispose();
        }
    }

    private static string CircularEndpoints(DateTimeOffset from) =>
        "circular-daily-" + from.ToOffset(China).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static byte[] Content(MimePart part)
    {
        using var bytes = new MemoryStream();
        (part.Content ?? throw new InvalidDataException($"{part.FileName} has no content")).DecodeTo(bytes);
        return bytes.ToArray();
    }

    private Task<long> DeliveredReportsAsync(CancellationToken ct) =>
        CountAsync("SELECT count(*) FROM record_messages WHERE kind = 'report' AND delivered_at IS NOT NULL", ct);

    private Task<long> ReportMessagesAsync(CancellationToken ct) => CountAsync("SELECT count(*) FROM record_messages WHERE kind = 'report'", ct);

    private async Task<long> CountAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_host.Server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
