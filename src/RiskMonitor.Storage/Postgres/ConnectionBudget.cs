namespace RiskMonitor.Storage.Postgres;

/// <summary>How a node's PostgreSQL pools fit in what the server allows (<c>max_connections</c> - reserved).</summary>
internal enum ConnectionBudgetVerdict
{
    Fits,

    /// <summary>This node's pools alone exceed the server's connections: refused at start.</summary>
    NodeTooLarge,

    /// <summary>This node fits only without the connections other clients hold now.</summary>
    TightNow,

    /// <summary>The cluster's silos (the live ones in the membership table and this one), each with these pools, exceed it.</summary>
    ClusterTooLarge,
}

/// <summary>
/// Every silo may open <c>Postgres:MaxPoolSize + Postgres:OrleansMaxPoolSize</c> connections (16 + 24 by default). A node
/// checked alone fits a default PostgreSQL (100), but three of them do not: the first three-silo load run was refused
/// connections under load ("53300: sorry, too many clients already") and failed grain activations and state writes
/// (decision 0040). Pools fill lazily, so the connections in use at start say nothing about it; the live silos in the
/// membership table do.
/// </summary>
internal static class ConnectionBudget
{
    public static ConnectionBudgetVerdict Assess(int own, int othersInUse, int otherLiveSilos, int available) =>
        own > available ? ConnectionBudgetVerdict.NodeTooLarge
        : (otherLiveSilos + 1) * own > available ? ConnectionBudgetVerdict.ClusterTooLarge
        : own + othersInUse > available ? ConnectionBudgetVerdict.TightNow
        : ConnectionBudgetVerdict.Fits;
}
