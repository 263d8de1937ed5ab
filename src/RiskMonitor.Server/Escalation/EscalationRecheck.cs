using RiskMonitor.Contracts.Escalation;

namespace RiskMonitor.Server.Escalation;

/// <summary>Asks an alert's escalation clock to look again now, instead of at its next tick (a silence over it ended).</summary>
internal interface IEscalationRecheck
{
    Task RecheckAsync(string alertId);
}

/// <summary>The clock is the alert's escalation shard grain.</summary>
internal sealed class GrainEscalationRecheck(IGrainFactory grains) : IEscalationRecheck
{
    public async Task RecheckAsync(string alertId) => await grains.For(alertId).Check();
}
