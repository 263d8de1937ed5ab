using RiskMonitor.Domain.Hazards;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Hazards;

public sealed class HazardWorkflowTests
{
    private static Hazard Reported(HazardLevel level = HazardLevel.General) => new(
        "HZ-1", level, HazardSource.Inspection, HazardStatus.Reported, "阀门井燃气泄漏", "gp-1", "grid-1", "gas", null,
        null, null, null, null, "li.wei", T0, T0);

    internal static readonly RectificationPlan CompletePlan = new("更换阀门并加装泄漏报警", "王工 (城东燃气公司)", 12_000m, T0.AddDays(5), "整改期间每日巡检，现场备灭火器");

    [Fact]
    public void A_hazard_runs_reported_assigned_rectifying_rectified_verified()
    {
        var (hazard, _) = HazardWorkflow.Apply(Reported(), HazardStep.Assign, T0.AddHours(1), "城东燃气公司", T0.AddDays(7));
        (hazard, _) = HazardWorkflow.Apply(hazard!, HazardStep.StartRectifying, T0.AddHours(2));
        (hazard, _) = HazardWorkflow.Apply(hazard!, HazardStep.Rectified, T0.AddDays(3));
        var (verified, refusal) = HazardWorkflow.Apply(hazard! with { Plan = CompletePlan }, HazardStep.Verify, T0.AddDays(4));

        Assert.Null(refusal);
        Assert.Equal(HazardStatus.Verified, verified!.Status);
        Assert.Equal("城东燃气公司", verified.ResponsibleUnit);
        Assert.False(verified.IsOverdue(T0.AddDays(30)));
    }

    public static TheoryData<HazardStatus, HazardStep, bool> Transitions()
    {
        var data = new TheoryData<HazardStatus, HazardStep, bool>();
        foreach (var status in Enum.GetValues<HazardStatus>())
        {
            foreach (var step in Enum.GetValues<HazardStep>())
            {
                var allowed = (status, step) switch
                {
                    (HazardStatus.Reported or HazardStatus.Assigned, HazardStep.Assign) => true,
                    (HazardStatus.Assigned, HazardStep.StartRectifying) => true,
                    (HazardStatus.Rectifying, HazardStep.Rectified) => true,
                    (HazardStatus.Rectified, HazardStep.Verify or HazardStep.RejectRectification) => true,
                    _ => false,
                };
                data.Add(status, step, allowed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Each_step_is_allowed_only_from_its_states(HazardStatus from, HazardStep step, bool allowed)
    {
        var hazard = Reported() with { Status = from, ResponsibleUnit = "unit", Deadline = T0.AddDays(7), Plan = CompletePlan };

        var (after, refusal) = HazardWorkflow.Apply(hazard, step, T0.AddHours(1));

        Assert.Equal(allowed, after is not null);
        Assert.Equal(allowed, refusal is null);
    }

    [Fact]
    public void Assigning_needs_a_unit_and_a_future_deadline_and_a_major_hazard_its_supervising_department()
    {
        var (_, noUnit) = HazardWorkflow.Apply(Reported(), HazardStep.Assign, T0, deadline: T0.AddDays(1));
        var (_, past) = HazardWorkflow.Apply(Reported(), HazardStep.Assign, T0, "unit", T0.AddDays(-1));
        var (_, major) = HazardWorkflow.Apply(Reported(HazardLevel.Major), HazardStep.Assign, T0, "unit", T0.AddDays(1));
        var (listed, _) = HazardWorkflow.Apply(Reported(HazardLevel.Major), HazardStep.Assign, T0, "unit", T0.AddDays(1), "市应急管理局");

        Assert.NotNull(noUnit);
        Assert.NotNull(past);
        Assert.Contains("supervising department", major, StringComparison.Ordinal);
        Assert.True(listed!.ListedSupervision);
        Assert.Equal("市应急管理局", listed.SupervisingDepartment);
    }

    [Fact]
    public void A_hazard_not_verified_by_its_deadline_is_overdue()
    {
        var (assigned, _) = HazardWorkflow.Apply(Reported(), HazardStep.Assign, T0, "unit", T0.AddDays(7));

        Assert.False(assigned!.IsOverdue(T0.AddDays(7)));
        Assert.True(assigned.IsOverdue(T0.AddDays(7).AddSeconds(1)));
    }

    [Fact]
    public void A_rectification_is_not_signed_off_until_all_five_elements_are_on_record()
    {
        var rectified = Reported() with { Status = HazardStatus.Rectified, ResponsibleUnit = "unit", Deadline = T0.AddDays(7) };

        var (_, noPlan) = HazardWorkflow.Apply(rectified, HazardStep.Verify, T0.AddDays(1));
        var (_, noFunds) = HazardWorkflow.Apply(rectified with { Plan = CompletePlan with { FundsYuan = null } }, HazardStep.Verify, T0.AddDays(1));
        var (verified, _) = HazardWorkflow.Apply(rectified with { Plan = CompletePlan with { FundsYuan = 0m } }, HazardStep.Verify, T0.AddDays(1));

        Assert.Contains("measures, responsiblePerson, fundsYuan, completeBy, contingencyPlan", noPlan, StringComparison.Ordinal);
        Assert.Contains("fundsYuan", noFunds, StringComparison.Ordinal);
        Assert.DoesNotContain("measures", noFunds, StringComparison.Ordinal);
        Assert.Equal(HazardStatus.Verified, verified!.Status);
    }
}
