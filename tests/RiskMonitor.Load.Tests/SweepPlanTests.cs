using RiskMonitor.Load;

namespace RiskMonitor.Load.Tests;

public sealed class SweepPlanTests
{
    private static SweepPoint Good(int rate) => new(rate, rate, ZeroLoss: true, Loss: 0, 1, 20, 40, 1, 0.01, 1);

    private static SweepPoint Lossy(int rate) => new(rate, rate, ZeroLoss: false, Loss: 12, 1, 20, 40, 60, 0.01, 1);

    [Fact]
    public void Doubles_from_the_start_rate_while_every_run_is_sustained()
    {
        var plan = new SweepPlan(startRate: 5000, maxRate: 200_000, bisections: 2, maxP99Ms: 1000);

        Assert.Equal(5000, plan.Next([]));
        Assert.Equal(10_000, plan.Next([Good(5000)]));
        Assert.Equal(20_000, plan.Next([Good(5000), Good(10_000)]));
    }

    [Fact]
    public void Bisects_between_the_highest_sustained_and_the_lowest_failed_rate_then_stops()
    {
        var plan = new SweepPlan(5000, 200_000, bisections: 2, maxP99Ms: 1000);
        List<SweepPoint> done = [Good(5000), Good(10_000), Good(20_000), Lossy(40_000)];

        Assert.Equal(30_000, plan.Next(done));
        done.Add(Good(30_000));
        Assert.Equal(35_000, plan.Next(done));
        done.Add(Lossy(35_000));
        Assert.Null(plan.Next(done));
        Assert.Equal(30_000, plan.HighestSustained(done));
    }

    [Fact]
    public void A_run_that_loses_nothing_but_falls_behind_or_backs_up_is_not_sustained()
    {
        var behind = Good(40_000) with { AchievedRate = 31_000 };
        var backlog = Good(40_000) with { P99Ms = 1500 };

        Assert.False(behind.Sustained(1000));
        Assert.False(backlog.Sustained(1000));
        Assert.True(Good(40_000).Sustained(1000));
    }

    [Fact]
    public void When_the_first_rate_already_fails_the_sweep_looks_below_it()
    {
        var plan = new SweepPlan(8000, 200_000, bisections: 1, maxP99Ms: 1000);

        Assert.Equal(4000, plan.Next([Lossy(8000)]));
        Assert.Null(plan.Next([Lossy(8000), Good(4000)]));
    }

    [Fact]
    public void Stops_at_the_cap_and_runs_given_rates_in_order()
    {
        Assert.Null(new SweepPlan(5000, 10_000, 2, 1000).Next([Good(5000), Good(10_000)]));

        var fixedRates = new SweepPlan(5000, 10_000, 2, 1000, [300, 900]);
        Assert.Equal(300, fixedRates.Next([]));
        Assert.Equal(900, fixedRates.Next([Lossy(300)]));
        Assert.Null(fixedRates.Next([Lossy(300), Good(900)]));
    }
}
