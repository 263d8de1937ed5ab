using System.Globalization;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Domain.Messaging;

/// <summary>
/// A message about a record that is not an alert (an overdue listed hazard, an incident's reporting clock) to named
/// people, queued in the record outbox and sent by e-mail and SMS with retries (decision 0042).
/// </summary>
/// <param name="Subject">What it is about: <c>hazard:{id}</c>, or <c>incident:{id}#{clock}</c>. With <paramref name="Kind"/> and <paramref name="Step"/> its identity: queued once.</param>
/// <param name="Severity">Decides quiet hours: below red is held (decision 0036).</param>
/// <param name="Title">The e-mail subject, and the whole text message.</param>
/// <param name="Body">The e-mail text.</param>
/// <param name="Report">The circular a scheduled report carries as PDF and .xlsx (decision 0056); null for every other message.</param>
public sealed record RecordMessage(
    string Subject, string Kind, int Step, WarningLevel Severity, IReadOnlyList<EscalationRecipient> Recipients, string Title, string Body, DateTimeOffset CreatedAt,
    ReportAttachment? Report = null)
{
    public const string HazardOverdueKind = "hazard_overdue";
    public const string IncidentClockDueSoonKind = "incident_clock_due_soon";
    public const string IncidentClockMissedKind = "incident_clock_missed";
    public const string ReportKind = "report";

    /// <summary>
    /// An overdue listed hazard's push (decision 0038) to the supervising department and the duty room. Orange, so a
    /// person's quiet hours hold it: a rectification months late is repeated every 12 hours anyway, and is not a 3 a.m. call.
    /// </summary>
    public static RecordMessage HazardOverdue(Hazard hazard, int step, IReadOnlyList<HazardRecipient> recipients, DateTimeOffset at, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        ArgumentNullException.ThrowIfNull(recipients);
        var deadline = hazard.Deadline is { } d ? Local(d, utcOffset) : "-";
        var title = Drills.Exercise.MarkIf(hazard.Exercise, $"【挂牌督办隐患逾期】{hazard.HazardId} 整改期限{deadline}已过，第{step.ToString(CultureInfo.InvariantCulture)}次督办");
        var body = $"""
            {hazard.Description}
            隐患 {hazard.HazardId}（{hazard.Location ?? hazard.RegionId ?? "-"}），责任单位 {hazard.ResponsibleUnit ?? "-"}，督办单位 {hazard.SupervisingDepartment ?? "-"}。
            整改期限 {deadline} 已过而未销号，这是第 {step.ToString(CultureInfo.InvariantCulture)} 次督办（{Local(at, utcOffset)}）。请登录平台查看整改情况。
            """;
        return new(HazardSubject(hazard.HazardId), HazardOverdueKind, step, WarningLevel.Orange,
            [.. recipients.Select(r => new EscalationRecipient(r.Kind switch
            {
                HazardRecipientKind.DutyOfficer => RecipientKind.DutyOfficer,
                HazardRecipientKind.DutyLeader => RecipientKind.DutyLeader,
                _ => RecipientKind.ResponsibleParty,
            }, r.Name, r.Phone, hazard.RegionId))],
            title, body, at);
    }

    /// <summary>
    /// A reporting clock due soon or missed (迟报, decision 0037) to the duty officer and the leader on duty. Red: a
    /// legal deadline of one or two hours is never held for quiet hours. <paramref name="text"/> is the hub message's
    /// text, which already carries the exercise mark of a drill incident.
    /// </summary>
    public static RecordMessage IncidentClock(IncidentRecord incident, LadderClock clock, DutyShift? shift, string text, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(clock);
        IReadOnlyList<EscalationRecipient> recipients = shift is null ? [] :
            [new(RecipientKind.DutyOfficer, shift.Officer, shift.OfficerPhone, incident.RegionId), new(RecipientKind.DutyLeader, shift.Leader, shift.LeaderPhone, incident.RegionId)];
        var kind = clock.Status == LadderClockStatus.Overdue ? IncidentClockMissedKind : IncidentClockDueSoonKind;
        return new(IncidentSubject(incident.IncidentId, clock.Key), kind, 1, WarningLevel.Red, recipients, text,
            $"{text}\n事故 {incident.IncidentId}（{incident.Grade}）。请登录值班页面报告。", at);
    }

    /// <summary>
    /// A subscriber's circular of one ended period (decision 0056), the PDF and .xlsx rendered when it is sent. Blue: a
    /// report is not a warning (the e-mail is not marked urgent).
    /// </summary>
    public static RecordMessage ScheduledReport(ReportSubscription subscription, DateTimeOffset from, TimeSpan utcOffset, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var period = subscription.Period ?? throw new ArgumentException("A handover subscription has no period: see ShiftHandoverReport.", nameof(subscription));
        var title = Circular.Title(period, from, utcOffset);
        var scope = subscription.Regions.Count == 0 ? "全市" : string.Join("、", subscription.Regions);
        var body = $"""
            {subscription.Recipient}：
            附件是{title}（范围：{scope}），PDF 供阅读打印，.xlsx 供核对数据。数字取自报送时的预警台账、隐患台账和救援记录。
            这是按订阅 {subscription.Id} 定期发送的邮件；请登录平台修改或退订。
            """;
        return new(ReportSchedule.Subject(subscription.Id, period, from, utcOffset), ReportKind, 1, WarningLevel.Blue,
            [new EscalationRecipient(RecipientKind.ResponsibleParty, subscription.Recipient, null, null) { Email = subscription.Email }],
            title, body, at, new ReportAttachment(period, DateOnly.FromDateTime(from.ToOffset(utcOffset).DateTime), subscription.Regions));
    }

    /// <summary>
    /// A subscriber's shift handover report at one shift change (decision 0061), its page rendered when it is sent, from
    /// the ledgers as they are then (the shift taking over acts on what is open now, not on a list a retry made stale).
    /// Blue, as the circulars: a report, not a warning, and never held for quiet hours (a message with a file is not).
    /// </summary>
    public static RecordMessage ShiftHandoverReport(ReportSubscription subscription, DateTimeOffset change, TimeSpan utcOffset, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var title = HandoverTitle(change, utcOffset);
        var scope = subscription.Regions.Count == 0 ? "全市" : string.Join("、", subscription.Regions);
        var body = $"""
            {subscription.Recipient}：
            附件是{title}（范围：{scope}）：未销号预警、计时中的升级时钟、逾期或24小时内到期的隐患，取自发送时的预警台账和隐患台账。
            这是按订阅 {subscription.Id} 在每次交接班时发送的邮件；请登录平台修改或退订。
            """;
        return new(HandoverSchedule.Subject(subscription.Id, change), ReportKind, 1, WarningLevel.Blue,
            [new EscalationRecipient(RecipientKind.ResponsibleParty, subscription.Recipient, null, null) { Email = subscription.Email }],
            title, body, at, new ReportAttachment(CircularPeriod.Daily, DateOnly.FromDateTime(change.ToOffset(utcOffset).DateTime), subscription.Regions) { HandoverAt = change });
    }

    /// <summary>The handover report's title: 2026年12月7日 08:00 交接班报告.</summary>
    public static string HandoverTitle(DateTimeOffset change, TimeSpan utcOffset) =>
        change.ToOffset(utcOffset).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture) + " 交接班报告";

    public static string HazardSubject(string hazardId) => "hazard:" + hazardId;

    public static string IncidentSubject(string incidentId, string clockKey) => $"incident:{incidentId}#{clockKey}";

    private static string Local(DateTimeOffset at, TimeSpan offset) => at.ToOffset(offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>The circular a report message carries: its kind, a local day inside the period, and the regions it covers (none for the city).</summary>
public sealed record ReportAttachment(CircularPeriod Period, DateOnly Day, IReadOnlyList<string> Regions)
{
    /// <summary>Set for a shift handover report (decision 0061): the shift change it is for; the period and day then only name the day.</summary>
    public DateTimeOffset? HandoverAt { get; init; }
}
