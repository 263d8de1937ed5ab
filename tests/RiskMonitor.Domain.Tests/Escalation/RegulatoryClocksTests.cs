using RiskMonitor.Domain.Escalation;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Escalation;

public sealed class RegulatoryClocksTests
{
    [Fact]
    public void Before_any_report_the_authority_is_due_in_one_hour_and_each_level_two_hours_after_the_one_below()
    {
        var clocks = RegulatoryClocks.Evaluate(T0, new Dictionary<string, DateTimeOffset>(), 2, T0.AddMinutes(30));

        Assert.Equal(
            [
                new RegulatoryClock("authority", T0.AddHours(1), null, ClockStatus.Pending),
                new RegulatoryClock("level_1", T0.AddHours(2), null, ClockStatus.Pending),
                new RegulatoryClock("level_2", T0.AddHours(4), null, ClockStatus.Pending),
            ],
            clocks);
    }

    [Fact]
    public void Reports_meet_their_clocks_and_the_next_level_runs_from_the_actual_report()
    {
        var reports = new Dictionary<string, DateTimeOffset>
        {
            ["authority"] = T0.AddMinutes(70), // 10 minutes late
            ["level_1"] = T0.AddMinutes(30),
        };

        var clocks = RegulatoryClocks.Evaluate(T0, reports, 2, T0.AddHours(3));

        Assert.Equal(ClockStatus.MetLate, clocks[0].Status);
        Assert.Equal(ClockStatus.Met, clocks[1].Status);
        Assert.Equal(T0.AddMinutes(150), clocks[2].Due);
        Assert.Equal(ClockStatus.Overdue, clocks[2].Status);
    }
}
