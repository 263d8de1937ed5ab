using System.Collections.Concurrent;
using System.Collections.Immutable;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Platform.Orleans;

namespace RiskMonitor.Server.Tests.Fakes;

/// <summary>
/// The grains as a test sets them up, in place of <see cref="GrainGateway"/>: what each grain answers, and every call
/// made, so a test sees which grain was asked with what (and that none was asked when a check refused first).
/// </summary>
internal sealed class FakeGrains : IGrainGateway
{
    public Dictionary<string, AssetView> Assets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, EscalationStatus> Clocks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RegionSummary> Regions { get; } = new(StringComparer.Ordinal);

    /// <summary>What the asset grain answers to a step; Done with the alert as sent unless the test says otherwise.</summary>
    public Func<AlertAction, AlertActionResult> AlertAnswer { get; set; } = _ => new AlertActionResult(AlertActionStatus.Done, null);

    /// <summary>What the case grain answers to an act.</summary>
    public PartyActOutcome PartyAnswer { get; set; } = PartyActOutcome.Done;

    /// <summary>Every call, in order: the method and the grain key (and the act's details where there are some).</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public List<(string AssetId, AlertAction Action)> AlertSteps { get; } = [];

    public List<(string AlertId, PartyAct Act, string? OrganisationId, string Actor)> PartyActs { get; } = [];

    /// <summary>An asset grain holding <paramref name="alerts"/>.</summary>
    public static AssetView View(string assetId, string regionId, params AlertView[] alerts) =>
        new(assetId, assetId, "gas_pipeline", "gas", regionId, RiskColour.Blue, WarningLevel.None, RiskColour.Blue, true, null, null,
            ImmutableDictionary<string, LatestReading>.Empty, [.. alerts]);

    public Task<AssetView> AssetViewAsync(string assetId)
    {
        Calls.Enqueue($"asset {assetId}");
        // An asset grain never fails to answer: one with no state answers empty, as a fresh activation would.
        return Task.FromResult(Assets.GetValueOrDefault(assetId) ?? View(assetId, "unknown"));
    }

    public Task<AlertActionResult> HandleAlertAsync(string assetId, AlertAction action)
    {
        Calls.Enqueue($"handle {assetId}");
        AlertSteps.Add((assetId, action));
        return Task.FromResult(AlertAnswer(action));
    }

    public Task<EscalationStatus> EscalationStatusAsync(string alertId)
    {
        Calls.Enqueue($"clock {alertId}");
        return Task.FromResult(Clocks.GetValueOrDefault(alertId) ?? EscalationStatus.NotTracking(alertId));
    }

    public Task<PartyActOutcome> PartyActAsync(string alertId, PartyAct act, string? organisationId, string actor)
    {
        Calls.Enqueue($"case {alertId}");
        PartyActs.Add((alertId, act, organisationId, actor));
        return Task.FromResult(PartyAnswer);
    }

    public Task<RegionSummary> RegionSummaryAsync(string regionId)
    {
        Calls.Enqueue($"region {regionId}");
        return Task.FromResult(Regions.GetValueOrDefault(regionId) ?? new RegionSummary(regionId, regionId, RegionLevel.Grid, null, null, RegionTally.Empty, 0, DateTimeOffset.MinValue));
    }
}
