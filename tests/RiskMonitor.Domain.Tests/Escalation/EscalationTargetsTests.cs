using RiskMonitor.Domain.Escalation;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Escalation;

public sealed class EscalationTargetsTests
{
    private static readonly RegionContact[] Above =
    [
        new("community-1", "王网格", "13800000001"),
        new("street-1", "李街道", null),
        new("district-1", null, null),
    ];

    private static readonly DutyShift Shift = new(1, T0.AddHours(-8), T0.AddHours(16), "张值班", "13900000001", "赵领导", "13900000002");

    [Fact]
    public void Step_one_of_an_orange_alert_reaches_the_grid_above_and_the_duty_officer()
    {
        var recipients = EscalationTargets.For(1, WarningLevel.Orange, Above, Shift);

        Assert.Equal(
            [
                new EscalationRecipient(RecipientKind.RegionSupervisor, "王网格", "13800000001", "community-1"),
                new EscalationRecipient(RecipientKind.DutyOfficer, "张值班", "13900000001", null),
            ],
            recipients);
    }

    [Fact]
    public void Red_brings_in_the_leader_on_duty_from_the_first_step()
    {
        Assert.Contains(EscalationTargets.For(1, WarningLevel.Red, Above, Shift), r => r.Kind == RecipientKind.DutyLeader && r.Name == "赵领导");
    }

    [Fact]
    public void Later_steps_climb_the_grid_and_stay_at_the_top_once_it_runs_out()
    {
        Assert.Equal("street-1", EscalationTargets.For(2, WarningLevel.Orange, Above, Shift)[0].RegionId);
        Assert.Equal("district-1", EscalationTargets.For(3, WarningLevel.Orange, Above, Shift)[0].RegionId);
        Assert.Equal("district-1", EscalationTargets.For(7, WarningLevel.Orange, Above, Shift)[0].RegionId);
        Assert.Contains(EscalationTargets.For(2, WarningLevel.Orange, Above, Shift), r => r.Kind == RecipientKind.DutyLeader);
    }

    [Fact]
    public void Without_a_grid_or_a_roster_entry_the_duty_roles_are_still_notified()
    {
        var recipients = EscalationTargets.For(2, WarningLevel.Yellow, [], null);

        Assert.Equal([RecipientKind.DutyOfficer, RecipientKind.DutyLeader], recipients.Select(r => r.Kind));
        Assert.All(recipients, r => Assert.Null(r.Name));
    }

    [Theory]
    [InlineData(0, 8, "张", "赵", null)]
    [InlineData(8, 8, "张", "赵", "A shift ends after it starts.")]
    [InlineData(0, 25, "张", "赵", "A shift lasts at most 24 hours.")]
    [InlineData(0, 8, " ", "赵", "A shift names its officer and its leader on duty.")]
    public void A_shift_lasts_up_to_24_hours_and_names_both_people(int startHour, int endHour, string officer, string leader, string? problem)
    {
        var shift = new DutyShift(0, T0.AddHours(startHour), T0.AddHours(endHour), officer, null, leader, null);

        Assert.Equal(problem, shift.Problem());
        Assert.False(shift.Covers(T0.AddHours(endHour))); // the end is the next shift's start
    }
}
