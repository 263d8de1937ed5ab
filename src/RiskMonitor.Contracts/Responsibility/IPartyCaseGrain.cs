using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Contracts.Responsibility;

/// <summary>What a party (or the command centre on its behalf) records on an alert.</summary>
public enum PartyAct
{
    Acknowledge,

    /// <summary>The rescuers are on site (an entrapment).</summary>
    Arrive,

    /// <summary>The trapped people are out: the rescue is over.</summary>
    Release,
}

/// <summary>
/// The responsible parties of one alert (issue 20), keyed by the alert id: routes the alert when it opens, records the
/// parties' acts, and escalates a party that misses its time to its regulator and the duty room. Its record is the
/// party case in the store, so every node reads the same.
/// </summary>
[Alias("rm.IPartyCaseGrain")]
public interface IPartyCaseGrain : IGrainWithStringKey
{
    /// <summary>Routes a newly opened alert to its parties; a second call for the same alert changes nothing.</summary>
    [Alias("Open")] ValueTask Open(AlertView alert);

    /// <param name="organisationId">The acting party; null = the command centre (arrival and release only).</param>
    [Alias("Act")] ValueTask<PartyActOutcome> Act(PartyAct act, string? organisationId, string actor);
}
