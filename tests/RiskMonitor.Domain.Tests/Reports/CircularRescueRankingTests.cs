using RiskMonitor.Domain.Reports;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Tests.Reports;

public sealed class CircularRescueRankingTests
{
    [Fact]
    public void Units_with_late_arrivals_rank_first_then_the_slowest_then_the_busiest_and_an_unknown_unit_keeps_its_id()
    {
        UnitRescueKpi[] units =
        [
            new("mu-a", 3, 3, 0, 3, 12.0, 20.0, 40.0),
            new("mu-b", 1, 1, 1, 1, 45.0, 45.0, 60.0),
            new("mu-c", 2, 2, 0, 2, 25.0, 28.0, 50.0),
            new("mu-x", 1, 0, 1, 0, null, null, null),
            new("mu-d", 5, 5, 0, 5, 12.0, 18.0, 35.0),
        ];
        var names = new Dictionary<string, string> { ["mu-a"] = "安达电梯", ["mu-b"] = "恒升电梯", ["mu-c"] = "通达电梯", ["mu-d"] = "永安电梯" };

        var ranking = Circular.RescueRanking(units, id => names.GetValueOrDefault(id));

        Assert.Equal(["恒升电梯", "mu-x", "通达电梯", "永安电梯", "安达电梯"], ranking.Select(r => r.Name));
        Assert.Same(units[1], ranking[0].Kpi);
    }
}
