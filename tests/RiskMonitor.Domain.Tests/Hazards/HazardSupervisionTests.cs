using RiskMonitor.Domain.Hazards;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Hazards;

public sealed class HazardSupervisionTests
{
    private static Hazard Tip(HazardStatus status = HazardStatus.Reported) => new(
        "HZ-2", HazardLevel.General, HazardSource.TipLine, status, "化工厂围墙外储罐阀门滴漏", null, "grid-1", "hazardous_chemicals", null,
        status == HazardStatus.Reported ? null : "某化工公司", null, status == HazardStatus.Reported ? null : T0.AddDays(10), null, "12350", T0, T0);

    [Fact]
    public void A_tip_is_re_graded_major_with_its_reason_and_an_assigned_one_needs_its_supervising_department()
    {
        var (reported, _) = HazardSupervision.Regrade(Tip(), HazardLevel.Major, "现场核查：储罐区未设围堰，属重大隐患", T0.AddHours(2));
        var (_, unlisted) = HazardSupervision.Regrade(Tip(HazardStatus.Assigned), HazardLevel.Major, "核查后升级", T0.AddHours(2));
        var (listed, _) = HazardSupervision.Regrade(Tip(HazardStatus.Assigned), HazardLevel.Major, "核查后升级", T0.AddHours(2), " 市应急管理局 ");

        Assert.Equal(HazardLevel.Major, reported!.Level);
        Assert.Equal(T0.AddHours(2), reported.UpdatedAt);
        Assert.Contains("supervising department", unlisted, StringComparison.Ordinal);
        Assert.True(listed!.ListedSupervision);
        Assert.Equal("市应急管理局", listed.SupervisingDepartment);
    }

    [Theory]
    [InlineData(HazardStatus.Reported, HazardLevel.General, "reason", "already")]
    [InlineData(HazardStatus.Reported, HazardLevel.Major, " ", "reason")]
    [InlineData(HazardStatus.Verified, HazardLevel.Major, "reason", "sealed")]
    public void A_re_grade_without_a_reason_to_the_same_level_or_of_a_verified_hazard_is_refused(
        HazardStatus status, HazardLevel level, string reason, string refusalMentions)
    {
        var (after, refusal) = HazardSupervision.Regrade(Tip(status), level, reason, T0.AddHours(1), "市应急管理局");

        Assert.Null(after);
        Assert.Contains(refusalMentions, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_is_filled_in_over_several_calls_and_keeps_what_was_recorded()
    {
        var hazard = Tip(HazardStatus.Assigned);

        var (first, _) = HazardSupervision.RecordPlan(hazard, new RectificationPlan("加装围堰", "张经理", null, null, null), T0.AddHours(1));
        var (second, _) = HazardSupervision.RecordPlan(first!, new RectificationPlan(null, null, 80_000m, T0.AddDays(9), "储罐区专人值守"), T0.AddHours(2));
        var (_, again) = HazardSupervision.RecordPlan(second!, new RectificationPlan("加装围堰", null, null, null, null), T0.AddHours(3));

        Assert.Equal(["fundsYuan", "completeBy", "contingencyPlan"], first!.Plan!.Missing());
        Assert.True(second!.Plan!.IsComplete);
        Assert.Equal("加装围堰", second.Plan.Measures);
        Assert.NotNull(again);
    }

    [Fact]
    public void A_plan_that_ends_after_the_deadline_or_costs_less_than_nothing_is_refused()
    {
        var hazard = Tip(HazardStatus.Assigned);

        var (_, late) = HazardSupervision.RecordPlan(hazard, new RectificationPlan("m", "r", 1m, T0.AddDays(11), "p"), T0);
        var (_, negative) = HazardSupervision.RecordPlan(hazard, new RectificationPlan("m", "r", -1m, T0.AddDays(1), "p"), T0);

        Assert.Contains("deadline", late, StringComparison.Ordinal);
        Assert.Contains("zero or more", negative, StringComparison.Ordinal);
    }
}
