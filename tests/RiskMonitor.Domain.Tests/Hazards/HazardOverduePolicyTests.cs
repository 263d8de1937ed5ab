using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Hazards;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Hazards;

public sealed class HazardOverduePolicyTests
{
    private static readonly HazardOverduePolicy Policy = new(TimeSpan.FromHours(12));
    private static readonly DateTimeOffset Deadline = T0.AddDays(30);

    private static Hazard Listed() => new(
        "HZ-3", HazardLevel.Major, HazardSource.Inspection, HazardStatus.Rectifying, "液氨储罐区安全距离不足", "hs-1", "grid-1", "hazardous_chemicals",
        null, "某冷库", "市应急管理局", Deadline, null, "zhang.min", T0, T0);

    [Fact]
    public void The_first_push_goes_out_the_moment_the_deadline_has_passed_and_repeats_every_period_after_the_last()
    {
        var atDeadline = Policy.Decide(Listed(), Deadline);
        var justAfter = Policy.Decide(Listed(), Deadline.AddSeconds(1));
        var pushed = Listed() with { OverdueEscalations = 1, LastEscalatedAt = Deadline.AddSeconds(1) };
        var beforeRepeat = Policy.Decide(pushed, Deadline.AddHours(12));
        var atRepeat = Policy.Decide(pushed, Deadline.AddSeconds(1).AddHours(12));

        Assert.Equal(new HazardOverdueDecision(null, Deadline), atDeadline);
        Assert.Equal(1, justAfter.FireStep);
        Assert.Null(beforeRepeat.FireStep);
        Assert.Equal(Deadline.AddSeconds(1).AddHours(12), beforeRepeat.NextDue);
        Assert.Equal(2, atRepeat.FireStep);
    }

    [Fact]
    public void A_server_back_after_days_sends_one_push_not_the_ones_it_missed()
    {
        var pushed = Listed() with { OverdueEscalations = 1, LastEscalatedAt = Deadline.AddMinutes(1) };

        var decision = Policy.Decide(pushed, Deadline.AddDays(5));

        Assert.Equal(2, decision.FireStep);
        Assert.Equal(Deadline.AddDays(5).AddHours(12), decision.NextDue);
    }

    [Theory]
    [InlineData(HazardLevel.General, HazardStatus.Rectifying)]
    [InlineData(HazardLevel.Major, HazardStatus.Verified)]
    public void A_general_or_verified_hazard_is_never_pushed(HazardLevel level, HazardStatus status)
    {
        var decision = Policy.Decide(Listed() with { Level = level, Status = status }, Deadline.AddDays(3));

        Assert.Equal(new HazardOverdueDecision(null, null), decision);
    }

    [Fact]
    public void The_supervising_department_and_duty_officer_hear_every_push_and_the_leader_from_the_second()
    {
        var shift = new DutyShift(1, T0, T0.AddDays(60), "值班员小王", "138", "带班领导老李", "139");

        var first = HazardOverduePolicy.RecipientsOf(Listed(), 1, shift);
        var second = HazardOverduePolicy.RecipientsOf(Listed(), 2, null);

        Assert.Equal(
            [new(HazardRecipientKind.SupervisingDepartment, "市应急管理局", null), new HazardRecipient(HazardRecipientKind.DutyOfficer, "值班员小王", "138")],
            first);
        Assert.Equal([HazardRecipientKind.SupervisingDepartment, HazardRecipientKind.DutyOfficer, HazardRecipientKind.DutyLeader], second.Select(r => r.Kind));
        Assert.Null(second[2].Name);
    }
}
