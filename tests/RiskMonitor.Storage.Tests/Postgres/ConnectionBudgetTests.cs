using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Tests.Postgres;

public sealed class ConnectionBudgetTests
{
    // The defaults: 16 + 24 connections per node; PostgreSQL's default 100 connections, 3 reserved.
    private const int Own = 40;
    private const int Available = 97;

    [Fact]
    public void Two_default_silos_fit_a_default_postgresql_and_a_third_does_not()
    {
        Assert.Equal(ConnectionBudgetVerdict.Fits, ConnectionBudget.Assess(Own, othersInUse: 5, otherLiveSilos: 1, Available));
        Assert.Equal(ConnectionBudgetVerdict.ClusterTooLarge, ConnectionBudget.Assess(Own, othersInUse: 5, otherLiveSilos: 2, Available));
        // Pools sized for three (the load harness's 12 + 18) fit.
        Assert.Equal(ConnectionBudgetVerdict.Fits, ConnectionBudget.Assess(30, othersInUse: 5, otherLiveSilos: 2, Available));
    }

    [Fact]
    public void A_node_too_large_alone_is_refused_and_one_that_fits_only_without_others_now_is_tight()
    {
        Assert.Equal(ConnectionBudgetVerdict.NodeTooLarge, ConnectionBudget.Assess(120, othersInUse: 0, otherLiveSilos: 0, Available));
        Assert.Equal(ConnectionBudgetVerdict.TightNow, ConnectionBudget.Assess(Own, othersInUse: 60, otherLiveSilos: 0, Available));
        Assert.Equal(ConnectionBudgetVerdict.Fits, ConnectionBudget.Assess(Own, othersInUse: 57, otherLiveSilos: 0, Available));
    }
}
