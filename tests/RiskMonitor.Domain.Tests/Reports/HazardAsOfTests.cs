using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Domain.Tests.Reports;

public sealed class HazardAsOfTests
{
    private static readonly DateTimeOffset MonthEnd = new(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void A_hazard_verified_after_the_period_end_was_open_and_overdue_at_it()
    {
        var reported = Hazard(HazardStatus.Reported, MonthEnd.AddDays(-20), MonthEnd.AddDays(-20), deadline: MonthEnd.AddDays(-5));
        var rectifying = reported with { Status = HazardStatus.Rectifying, UpdatedAt = MonthEnd.AddDays(-10) };
        var verified = rectifying with { Status = HazardStatus.Verified, UpdatedAt = MonthEnd.AddDays(3) };
        (DateTimeOffset, Hazard)[] history = [(reported.UpdatedAt, reported), (rectifying.UpdatedAt, rectifying), (verified.UpdatedAt, verified)];

        Assert.True(HazardAsOf.NeedsHistory(verified, MonthEnd));
        var then = HazardAsOf.At(verified, history, MonthEnd)!;

        Assert.Equal(HazardStatus.Rectifying, then.Status);
        Assert.True(then.IsOverdue(MonthEnd));
        Assert.False(verified.IsOverdue(MonthEnd)); // what the circular used to count: verified since, so neither open nor overdue
    }

    [Fact]
    public void A_hazard_reported_after_the_period_end_is_not_in_it_and_one_unchanged_since_needs_no_ledger()
    {
        var later = Hazard(HazardStatus.Reported, MonthEnd.AddHours(1), MonthEnd.AddHours(1), deadline: null);
        var unchanged = Hazard(HazardStatus.Assigned, MonthEnd.AddDays(-3), MonthEnd.AddDays(-1), deadline: MonthEnd.AddDays(9));

        Assert.Null(HazardAsOf.At(later, null, MonthEnd));
        Assert.False(HazardAsOf.NeedsHistory(unchanged, MonthEnd));
        Assert.Same(unchanged, HazardAsOf.At(unchanged, null, MonthEnd));
    }

    private static Hazard Hazard(HazardStatus status, DateTimeOffset reportedAt, DateTimeOffset updatedAt, DateTimeOffset? deadline) => new(
        "hz-1", HazardLevel.General, HazardSource.Inspection, status, "阀门井盖破损", "gp-0001", "g-1", "gas", null, "城东燃气", null,
        deadline, null, "张三", reportedAt, updatedAt);
}
