using System.Collections.Frozen;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Regions;
using RiskMonitor.Server.Registry;
using RiskMonitor.Server.Reports.Circulars;
using RiskMonitor.Server.Reports.Subscriptions;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Messaging;
using RiskMonitor.Storage.Reports;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// Scheduled reports by e-mail in process (decision 0056): subscriptions managed and checked, each ended period queued
/// once per subscription, sent by the record outbox with its PDF and .xlsx, a refused send retried, a district's
/// subscriber given its district's figures. The same path on PostgreSQL and a real SMTP server: <see cref="ScheduledReportEndToEndTests"/>.
/// </summary>
public sealed class ScheduledReportsTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0); // 2026-12-06 20:00 in the city
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly InMemoryHazardStore _hazards = new();
    private readonly InMemoryReportSubscriptionStore _store = new();
    private readonly InMemoryRecordMessageOutbox _outbox = new();
    private readonly RecordingEmail _email = new();
    private readonly ReportSubscriptionCommands _commands;
    private readonly ScheduledReports _scheduled;
    private readonly RecordMessageSender _sender;
    private readonly InMemoryDutyRoster _roster = new();

    public ScheduledReportsTests()
    {
        var index = RegionIndex.Build([Region("city", RegionLevel.City, null, 120.0, 121.0), Region("r-east", RegionLevel.District, "city", 120.0, 120.5), Region("r-west", RegionLevel.District, "city", 120.5, 121.0)]);
        var live = new LiveRegistry(new RegistrySources(null, null, [], null), new RiskMapData(RegionMap.Build(index, _ports.All), _ports, FrozenDictionary<string, ConsequenceRaise>.Empty));
        var options = Options.Create(new CircularOptions());
        var alerts = new InMemoryAlertStore();
        var source = new CircularSource(alerts, _hazards, _ports, live, new InMemoryPartyCaseStore(), new InMemoryResponsibilityStore(), options, _time);
        var handovers = new HandoverSource(alerts, _hazards, _roster, _ports);
        var messenger = new PeopleMessenger([_email], new FixedOptions<MessagingOptions>(new MessagingOptions()), new NoDeliveryLog(), _time, NullLogger<PeopleMessenger>.Instance);
        _sender = new RecordMessageSender(_outbox, messenger, [new CircularAttachments(source, handovers, options, _time)], _time, NullLogger<RecordMessageSender>.Instance);
        _commands = new ReportSubscriptionCommands(_store, _ports, live, _time);
        _scheduled = new ScheduledReports(_store, _sender, _roster, options);
    }

    [Fact]
    public async Task A_subscription_is_checked_versioned_and_kept_with_who_changed_it()
    {
        var ct = TestContext.Current.CancellationToken;

        var bad = await _commands.SaveAsync(null, new ReportSubscriptionRequest(null, "yearly", "李娜", "li.na", ["nowhere"]), InMemoryPorts.CityWide, ct);
        var created = await _commands.SaveAsync(null, new ReportSubscriptionRequest("city-monthly", "Monthly", "李娜", "li.na@city.example", null), InMemoryPorts.CityWide, ct);
        var again = await _commands.SaveAsync(null, new ReportSubscriptionRequest("city-monthly", "monthly", "李娜", "li.na@city.example", null), InMemoryPorts.CityWide, ct);
        var noVersion = await _commands.SaveAsync("city-monthly", new ReportSubscriptionRequest(null, "monthly", "李娜", "li.na@city.example", null), InMemoryPorts.CityWide, ct);
        var stale = await _commands.SaveAsync("city-monthly", new ReportSubscriptionRequest(null, "weekly", "李娜", "li.na@city.example", null, Version: 7), InMemoryPorts.CityWide, ct);
        var retired = await _commands.SaveAsync("city-monthly", new ReportSubscriptionRequest(null, "monthly", "李娜", "li.na@city.example", null, Retired: true, Version: 1), InMemoryPorts.CityWide, ct);

        Assert.Equal(["email", "period", "regions"], Assert.IsType<ValidationProblem>(bad.Result).ProblemDetails.Errors.Keys.Order(StringComparer.Ordinal));
        var subscription = Assert.IsType<Created<ReportSubscription>>(created.Result).Value!;
        Assert.Equal(((CircularPeriod?)CircularPeriod.Monthly, 1, _time.GetUtcNow()), (subscription.Period, subscription.Version, subscription.CreatedAt));
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsType<ProblemHttpResult>(again.Result).StatusCode);
        Assert.Equal(["version"], Assert.IsType<ValidationProblem>(noVersion.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsType<ProblemHttpResult>(stale.Result).StatusCode);
        Assert.True(Assert.IsType<Ok<ReportSubscription>>(retired.Result).Value!.Retired);
        Assert.Equal([("city-monthly", 1, "zhang.min"), ("city-monthly", 2, "zhang.min")], _store.Changes);
    }

    [Fact]
    public async Task A_district_supervisor_manages_the_subscriptions_of_its_own_district_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var east = InMemoryPorts.ScopedTo("r-east");
        await _commands.SaveAsync(null, new ReportSubscriptionRequest("city", "daily", "张敏", "zhang.min@city.example", null), InMemoryPorts.CityWide, ct);

        var wholeCity = await _commands.SaveAsync(null, new ReportSubscriptionRequest(null, "daily", "王芳", "wang.fang@city.example", null), east, ct);
        var west = await _commands.SaveAsync(null, new ReportSubscriptionRequest(null, "daily", "王芳", "wang.fang@city.example", ["r-west"]), east, ct);
        var own = await _commands.SaveAsync(null, new ReportSubscriptionRequest("east", "daily", "王芳", "wang.fang@city.example", ["r-east"]), east, ct);
        var takeOver = await _commands.SaveAsync("city", new ReportSubscriptionRequest(null, "daily", "王芳", "wang.fang@city.example", ["r-east"], Version: 1), east, ct);
        var seen = (await _commands.ListAsync(east, ct)).Value!;
        var hidden = await _commands.GetAsync("city", east, ct);

        Assert.Equal(StatusCodes.Status403Forbidden, Assert.IsType<ProblemHttpResult>(wholeCity.Result).StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, Assert.IsType<ProblemHttpResult>(west.Result).StatusCode);
        Assert.IsType<Created<ReportSubscription>>(own.Result);
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(takeOver.Result).StatusCode);
        Assert.Equal(["east"], seen.Select(s => s.Id));
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(hidden.Result).StatusCode);
        Assert.Equal(["city", "east"], (await _commands.ListAsync(InMemoryPorts.CityWide, ct)).Value!.Select(s => s.Id));
    }

    [Fact]
    public async Task Each_ended_period_is_mailed_once_with_its_pdf_and_xlsx_and_a_refused_send_is_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.SaveAsync(null, new ReportSubscriptionRequest("daily-li", "daily", "李娜", "li.na@city.example", null), InMemoryPorts.CityWide, ct);
        _email.Refuse = 1;

        var before = await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct); // the 6th is still running
        _time.Advance(TimeSpan.FromHours(4.5)); // 00:30 on the 7th
        var asked = await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        await _sender.SendDueAsync(ct); // the SMTP server refuses
        await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct); // the next pass (or another node) asks again
        _time.Advance(TimeSpan.FromSeconds(6)); // past the outbox's first backoff (5 s)
        await _sender.SendDueAsync(ct);
        _time.Advance(TimeSpan.FromMinutes(10));
        await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        await _sender.SendDueAsync(ct);

        Assert.Equal((0, 1), (before, asked));
        var queued = Assert.Single(await _outbox.ListAsync(null, 10, ct));
        Assert.Equal(("report:daily-li#daily:2026-12-06", 2), (queued.Message.Subject, queued.Attempts));
        Assert.Equal(["email:李娜"], queued.DeliveredKeys);
        Assert.NotNull(queued.DeliveredAt);
        Assert.Equal(2, _email.Tried);
        var mail = Assert.Single(_email.Sent);
        Assert.Equal(("li.na@city.example", "2026年12月6日安全风险监测日报"), (mail.To.Email, mail.Subject));
        Assert.Equal(
            [("circular-daily-2026-12-06.pdf", CircularAttachments.PdfType), ("circular-daily-2026-12-06.xlsx", CircularAttachments.XlsxType)],
            mail.Attachments!.Select(a => (a.FileName, a.ContentType)));
        Assert.Equal("%PDF-"u8.ToArray(), mail.Attachments![0].Content[..5]);
    }

    [Fact]
    public async Task Without_an_e_mail_channel_a_report_waits_in_the_outbox_instead_of_counting_as_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        _email.Enabled = false;
        await _commands.SaveAsync(null, new ReportSubscriptionRequest("daily-li", "daily", "李娜", "li.na@city.example", null), InMemoryPorts.CityWide, ct);

        _time.Advance(TimeSpan.FromHours(5));
        await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        await _sender.SendDueAsync(ct);

        var queued = Assert.Single(await _outbox.ListAsync(null, 10, ct));
        Assert.Null(queued.DeliveredAt);
        Assert.Null(queued.FailedAt);
        Assert.Contains("no e-mail channel", queued.LastError, StringComparison.Ordinal);
        Assert.Equal(0, _email.Tried);
    }

    [Fact]
    public async Task A_district_subscriber_gets_its_district_figures()
    {
        var ct = TestContext.Current.CancellationToken;
        await OpenHazardAsync("h-east", "gp-1", "r-east", ct);
        await OpenHazardAsync("h-west", "gp-2", "r-west", ct);
        await _commands.SaveAsync(null, new ReportSubscriptionRequest("east", "daily", "王芳", "wang.fang@city.example", ["r-east"]), InMemoryPorts.CityWide, ct);
        await _commands.SaveAsync(null, new ReportSubscriptionRequest("city", "daily", "张敏", "zhang.min@city.example", null), InMemoryPorts.CityWide, ct);

        _time.Advance(TimeSpan.FromHours(5));
        await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        await _sender.SendDueAsync(ct);

        var summaries = _email.Sent.ToDictionary(m => m.To.Name, m => Summary(m.Attachments!.Single(a => a.FileName.EndsWith(".xlsx", StringComparison.Ordinal)).Content));
        Assert.Equal(("区域r-east", 1), summaries["王芳"]);
        Assert.Equal(("全市", 2), summaries["张敏"]);
    }

    [Fact]
    public async Task A_handover_subscription_is_mailed_once_at_each_shift_change_of_the_roster_with_the_handover_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var change = _time.GetUtcNow().AddHours(1); // 21:00 local: the day shift hands over to the night shift
        await _roster.AddAsync(new Domain.Escalation.DutyShift(0, change.AddHours(-12), change, "白班值班员", null, "白班领导", null), "admin", ct);
        await _roster.AddAsync(new Domain.Escalation.DutyShift(0, change, change.AddHours(12), "夜班值班员", null, "夜班领导", null), "admin", ct);
        await OpenHazardAsync("h-east", "gp-1", "r-east", ct, deadline: change.AddHours(6));
        var bad = await _commands.SaveAsync(null, new ReportSubscriptionRequest("h-bad", "daily", "李娜", "li.na@city.example", null, Report: "handover"), InMemoryPorts.CityWide, ct);
        var badKind = await _commands.SaveAsync(null, new ReportSubscriptionRequest("h-bad", null, "李娜", "li.na@city.example", null, Report: "shift"), InMemoryPorts.CityWide, ct);
        var created = await _commands.SaveAsync(null, new ReportSubscriptionRequest("handover-li", null, "李娜", "li.na@city.example", null, Report: "handover"), InMemoryPorts.CityWide, ct);

        var before = await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        var wake = await _scheduled.NextChangeAsync(_time.GetUtcNow(), _time.GetUtcNow().AddMinutes(10), ct);
        var wakeSoon = await _scheduled.NextChangeAsync(_time.GetUtcNow(), _time.GetUtcNow().AddHours(2), ct);
        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var atChange = await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        await _sender.SendDueAsync(ct);
        _time.Advance(TimeSpan.FromMinutes(30)); // later passes of the schedule, within the catch-up
        await _scheduled.EnqueueDueAsync(_time.GetUtcNow(), ct);
        await _sender.SendDueAsync(ct);

        Assert.Equal(["period"], Assert.IsType<ValidationProblem>(bad.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(["report"], Assert.IsType<ValidationProblem>(badKind.Result).ProblemDetails.Errors.Keys);
        var subscription = Assert.IsType<Created<ReportSubscription>>(created.Result).Value!;
        Assert.Equal((ReportKind.Handover, (CircularPeriod?)null), (subscription.Report, subscription.Period));
        Assert.Equal((0, 1), (before, atChange));
        Assert.Null(wake); // no change within the next ten minutes: the schedule sleeps its interval
        Assert.Equal(change, wakeSoon);
        var queued = Assert.Single(await _outbox.ListAsync(null, 10, ct));
        Assert.Equal("handover:handover-li#2026-12-06T13:00:00Z", queued.Message.Subject);
        var mail = Assert.Single(_email.Sent);
        Assert.Equal(("li.na@city.example", "2026年12月6日 21:00 交接班报告"), (mail.To.Email, mail.Subject));
        var page = Assert.Single(mail.Attachments!);
        Assert.Equal(("handover-2026-12-06-2100.html", CircularAttachments.HtmlType), (page.FileName, page.ContentType));
        var html = System.Text.Encoding.UTF8.GetString(page.Content);
        Assert.Contains("交接时间 2026-12-06 21:00　数据截至 2026-12-06 21:00", html, StringComparison.Ordinal);
        Assert.Contains("交班：值班员 白班值班员，带班领导 白班领导　接班：值班员 夜班值班员，带班领导 夜班领导", html, StringComparison.Ordinal);
        Assert.Contains("h-east", html, StringComparison.Ordinal); // due within 24 h of the handover
    }

    [Fact]
    public void Configured_handover_times_are_the_changes_when_the_duty_room_hands_over_at_fixed_hours()
    {
        var from = new DateTimeOffset(2026, 12, 6, 20, 0, 0, China);

        var changes = HandoverSchedule.ConfiguredChanges([new TimeOnly(8, 30), new TimeOnly(20, 30)], from, from.AddDays(1), China);

        // (20:00 on the 6th, 20:00 on the 7th]: the evening change of the 6th and the morning one of the 7th.
        Assert.Equal([new DateTimeOffset(2026, 12, 6, 20, 30, 0, China), new DateTimeOffset(2026, 12, 7, 8, 30, 0, China)], changes);
    }

    /// <summary>The scope and the open hazards of the summary sheet (row 6 is the total; column 11 the open hazards).</summary>
    private static (string Scope, int OpenHazards) Summary(byte[] xlsx)
    {
        using var workbook = new XLWorkbook(new MemoryStream(xlsx));
        var summary = workbook.Worksheet(CircularXlsx.SummarySheet);
        return (summary.Cell(3, 2).GetString(), summary.Cell(6, 11).GetValue<int>());
    }

    private Task OpenHazardAsync(string id, string assetId, string regionId, CancellationToken ct, DateTimeOffset? deadline = null)
    {
        var at = _time.GetUtcNow().AddDays(-1);
        var hazard = new Hazard(id, HazardLevel.General, HazardSource.Inspection, HazardStatus.Reported, "井盖破损", assetId, regionId, "gas",
            null, null, null, deadline, null, "li.wei", at, at);
        return _hazards.RecordAsync(null, hazard, "reported", "li.wei", null, at, ct);
    }

    private static RegionDefinition Region(string id, RegionLevel level, string? parent, double west, double east) =>
        new(id, "区域" + id, level, parent, new GeometryFactory().CreatePolygon([new(west, 30), new(east, 30), new(east, 31), new(west, 31), new(west, 30)]), null);

    /// <summary>An SMTP server that refuses the first <see cref="Refuse"/> messages and keeps the rest.</summary>
    private sealed class RecordingEmail : IMessageChannel
    {
        public int Refuse { get; set; }

        public int Tried { get; private set; }

        public List<OutgoingMessage> Sent { get; } = [];

        public MessageChannelKind Kind => MessageChannelKind.Email;

        public bool Enabled { get; set; } = true;

        public Task<MessageReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            if (++Tried <= Refuse)
            {
                throw new InvalidOperationException("421 try again later");
            }

            Sent.Add(message);
            return Task.FromResult(new MessageReceipt("m-" + Tried, "250 OK"));
        }
    }

    private sealed class NoDeliveryLog : IDeliveryLog
    {
        public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<bool> ApplyReceiptAsync(string channel, string providerMessageId, DeliveryStatus status, string? providerStatus, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            Task.FromResult(false);

        public Task<IReadOnlyList<DeliveryRecord>> ListAsync(string? alertId, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<DeliveryRecord>>([]);
    }

    private sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
