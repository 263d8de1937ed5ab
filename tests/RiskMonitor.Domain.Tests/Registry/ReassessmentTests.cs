using RiskMonitor.Domain.Registry;

namespace RiskMonitor.Domain.Tests.Registry;

public sealed class ReassessmentTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);
    private static readonly Dictionary<string, int> ByKind = new() { ["hazard_source"] = 3 };

    [Fact]
    public void Never_assessed_comes_first_then_the_longest_overdue_and_a_level_within_its_period_is_not_listed()
    {
        Assessed[] subjects =
        [
            new("g-1", "grid", "网格一", new DateOnly(2021, 12, 6), "市安全评估中心"), // exactly 5 years: due today
            new("g-2", "grid", "网格二", new DateOnly(2021, 12, 7), "市安全评估中心"), // due tomorrow
            new("gp-1", "gas_pipeline", "管段一", new DateOnly(2019, 1, 1), "燃气公司"),
            new("hz-1", "hazard_source", "储罐区", new DateOnly(2023, 12, 1), "安评机构"), // 3 years for a hazard source
            new("gp-2", "gas_pipeline", "管段二", null, null),
        ];

        var due = Reassessment.Overdue(subjects, ByKind, 5, Today);

        Assert.Equal(["gp-2", "gp-1", "hz-1", "g-1"], due.Select(d => d.Subject.Id));
        Assert.Null(due[0].DueOn);
        Assert.Equal(new DateOnly(2024, 1, 1), due[1].DueOn);
        Assert.Equal(Today.DayNumber - new DateOnly(2024, 1, 1).DayNumber, due[1].DaysOverdue);
        Assert.Equal(0, due[3].DaysOverdue);
    }
}
