using RiskMonitor.Domain.Incidents;

namespace RiskMonitor.Domain.Tests.Incidents;

public sealed class IncidentGradingTests
{
    [Theory]
    [InlineData(0, 0, 0L, IncidentGrade.General)]
    [InlineData(2, 9, 9_999_999L, IncidentGrade.General)]
    [InlineData(3, 0, 0L, IncidentGrade.Larger)]
    [InlineData(9, 49, 49_999_999L, IncidentGrade.Larger)]
    [InlineData(0, 10, 0L, IncidentGrade.Larger)]
    [InlineData(0, 0, 10_000_000L, IncidentGrade.Larger)]
    [InlineData(10, 0, 0L, IncidentGrade.Major)]
    [InlineData(0, 50, 0L, IncidentGrade.Major)]
    [InlineData(0, 0, 50_000_000L, IncidentGrade.Major)]
    [InlineData(29, 99, 99_999_999L, IncidentGrade.Major)]
    [InlineData(30, 0, 0L, IncidentGrade.ExtremelyMajor)]
    [InlineData(0, 100, 0L, IncidentGrade.ExtremelyMajor)]
    [InlineData(0, 0, 100_000_000L, IncidentGrade.ExtremelyMajor)]
    public void Each_measure_grades_on_its_own_and_the_threshold_itself_counts_as_reached(int deaths, int injured, long lossYuan, IncidentGrade expected)
    {
        var verdict = IncidentGrading.Grade(new IncidentFigures(deaths, injured, 0, lossYuan));

        Assert.Equal(expected, verdict.Grade);
    }

    [Fact]
    public void The_basis_names_every_measure_that_reached_the_grade()
    {
        var verdict = IncidentGrading.Grade(new IncidentFigures(3, 12, 0, 0));

        Assert.Equal(2, verdict.Basis.Count);
        Assert.Contains("死亡 deaths 3 ≥ 3", verdict.Basis[0], StringComparison.Ordinal);
        Assert.Contains("较大", verdict.Basis[0], StringComparison.Ordinal);
        Assert.Contains("重伤 seriously injured 12 ≥ 10", verdict.Basis[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_people_are_shown_but_do_not_grade_until_confirmed()
    {
        Assert.Equal(IncidentGrade.General, IncidentGrading.Grade(new IncidentFigures(2, 0, 5, 0)).Grade);
    }
}
