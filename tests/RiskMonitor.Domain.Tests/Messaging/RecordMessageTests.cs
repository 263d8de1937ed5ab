using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Domain.Messaging;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Messaging;

/// <summary>What the record outbox sends for hazards and incidents (decision 0042).</summary>
public sealed class RecordMessageTests
{
    private static readonly DateTimeOffset Deadline = T0.AddDays(30);

    private static Hazard Listed() => new(
        "HZ-3", HazardLevel.Major, HazardSource.Inspection, HazardStatus.Rectifying, "液氨储罐区安全距离不足", "hs-1", "grid-1", "hazardous_chemicals",
        "某冷库", "某冷库公司", "市应急管理局", Deadline, null, "zhang.min", T0, T0);

    [Fact]
    public void An_overdue_listed_hazard_is_one_message_per_step_to_the_department_and_the_duty_room_held_in_quiet_hours()
    {
        HazardRecipient[] recipients = [new(HazardRecipientKind.SupervisingDepartment, "王督办", "13900000003"), new(HazardRecipientKind.DutyOfficer, "张值班", "13800000001")];

        var message = RecordMessage.HazardOverdue(Listed(), 2, recipients, Deadline.AddHours(13), TimeSpan.FromHours(8));

        Assert.Equal(("hazard:HZ-3", RecordMessage.HazardOverdueKind, 2), (message.Subject, message.Kind, message.Step));
        Assert.Equal(WarningLevel.Orange, message.Severity);
        Assert.Equal([RecipientKind.ResponsibleParty, RecipientKind.DutyOfficer], message.Recipients.Select(r => r.Kind));
        Assert.Equal(["13900000003", "13800000001"], message.Recipients.Select(r => r.Phone));
        Assert.Contains("第2次督办", message.Title, StringComparison.Ordinal);
        Assert.Contains(Deadline.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), message.Title, StringComparison.Ordinal);
        Assert.Contains("液氨储罐区安全距离不足", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missed_clock_is_red_to_the_officer_and_leader_on_duty_and_keeps_the_drill_mark_of_an_exercise()
    {
        var incident = IncidentWorkflow.Open("inc-1", new IncidentDraft("演练: 燃气泄漏", "gas_leak", null, null, [], T0, T0, IncidentFigures.None, [], [], null, true), T0).After!;
        var clock = ReportingLadder.Clocks(incident, T0.AddMinutes(61))[0];
        var shift = new DutyShift(1, T0.AddHours(-1), T0.AddHours(12), "张值班", "13800000001", "赵领导", "13700000002");

        var message = RecordMessage.IncidentClock(incident, clock, shift, "【演练 EXERCISE】迟报 LATE: county", T0.AddMinutes(61));
        var nobody = RecordMessage.IncidentClock(incident, clock, null, "x", T0.AddMinutes(61));

        Assert.Equal(LadderClockStatus.Overdue, clock.Status);
        Assert.Equal(($"incident:inc-1#{clock.Key}", RecordMessage.IncidentClockMissedKind, 1), (message.Subject, message.Kind, message.Step));
        Assert.Equal(WarningLevel.Red, message.Severity);
        Assert.Equal(["张值班", "赵领导"], message.Recipients.Select(r => r.Name));
        Assert.StartsWith("【演练 EXERCISE】", message.Title, StringComparison.Ordinal);
        Assert.Empty(nobody.Recipients);
    }
}
