namespace RiskMonitor.Contracts.Hazards;

/// <summary>
/// The city's watch over listed hazards (挂牌督办): one activation (key 0) that pushes each overdue listed hazard to its
/// supervising department and the duty room, repeated, without anyone opening a page (docs/decisions/0038).
/// </summary>
[Alias("rm.IHazardSupervisionGrain")]
public interface IHazardSupervisionGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the watch (idempotent): a durable reminder keeps it running across restarts from then on.</summary>
    [Alias("Start")] ValueTask Start();

    /// <summary>Looks at every overdue listed hazard now; returns how many pushes went out.</summary>
    [Alias("CheckNow")] ValueTask<int> CheckNow();
}
