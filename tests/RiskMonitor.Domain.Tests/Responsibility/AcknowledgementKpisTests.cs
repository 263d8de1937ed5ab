using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Tests.Responsibility;

public sealed class AcknowledgementKpisTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0.AddDays(3);

    [Fact]
    public void A_units_acknowledgements_are_timed_from_routing_and_late_escalated_or_open_past_due_count_as_overdue()
    {
        PartyCase[] cases =
        [
            Case("a-1", T0, Ack("ou-1", T0.AddMinutes(5), done: T0.AddMinutes(2))), // in time, 2 min
            Case("a-2", T0.AddHours(1), Ack("ou-1", T0.AddHours(1).AddMinutes(5), done: T0.AddHours(1).AddMinutes(9))), // late, 9 min
            Case("a-3", T0.AddHours(2), Ack("ou-1", T0.AddHours(2).AddMinutes(5), escalated: T0.AddHours(2).AddMinutes(5))), // escalated, never done
            Case("a-4", T0.AddHours(3), Ack("ou-1", Now.AddMinutes(5))), // open, not yet due
            Case("a-5", T0.AddHours(4), Ack("ou-1", T0.AddHours(4).AddMinutes(5))), // open past due
            Case("a-6", T0.AddHours(5), Ack("ou-2", T0.AddHours(5).AddMinutes(5), done: T0.AddHours(5).AddMinutes(1))), // another unit's
            Case("a-7", T0.AddDays(-40), Ack("ou-1", T0.AddDays(-40).AddMinutes(5), done: T0.AddDays(-40).AddMinutes(1))), // before the period
            Case("a-8", T0.AddHours(6), new PartyDuty("ou-1", "ou-1", PartyRole.Maintenance, DutyKind.ArriveOnSite, null, T0.AddHours(7))), // a rescue, not an acknowledgement
        ];

        var kpi = AcknowledgementKpis.Compute("ou-1", cases, T0.AddDays(-30), Now, Now);

        Assert.Equal(new UnitAcknowledgementKpi("ou-1", 5, 2, 3, 5.5, 9), kpi);
    }

    [Fact]
    public void A_unit_never_asked_has_no_times()
    {
        var kpi = AcknowledgementKpis.Compute("mu-a", [], T0, Now, Now);

        Assert.Equal(new UnitAcknowledgementKpi("mu-a", 0, 0, 0, null, null), kpi);
    }

    private static PartyCase Case(string alertId, DateTimeOffset openedAt, PartyDuty duty) => new(alertId, "as-1", openedAt, [duty], null);

    private static PartyDuty Ack(string organisationId, DateTimeOffset dueBy, DateTimeOffset? done = null, DateTimeOffset? escalated = null) =>
        new(organisationId, organisationId, PartyRole.Owner, DutyKind.Acknowledge, null, dueBy, done, done is null ? null : "duty", escalated);
}
