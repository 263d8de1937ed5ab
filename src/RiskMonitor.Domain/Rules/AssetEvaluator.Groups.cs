using System.Globalization;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Domain.Rules;

/// <summary>The asset's side of its detector groups (decision 0050): the k-of-n cap on a threshold and the drift alert.</summary>
public sealed partial class AssetEvaluator
{
    /// <summary>
    /// The level of the group's corroborated threshold as the rule itself judges it, before the group's cap: what the
    /// asset reports to its group so the group can count agreement.
    /// </summary>
    public WarningLevel UncappedLevelOf(DetectorGroupDefinition group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Corroboration is { } c && ThresholdOf(c.RuleId) is { } rule ? rule.Confirmed : WarningLevel.None;
    }

    /// <summary>
    /// The group says how high its corroborated alarm may go now (<paramref name="ceiling"/>, with
    /// <paramref name="agreeing"/> members at it): the rule's alert is brought to its own level under the new cap.
    /// </summary>
    public void ApplyGroupCeiling(string groupId, WarningLevel ceiling, int agreeing, DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var gate in _gates)
        {
            if (!string.Equals(gate.Group.GroupId, groupId, StringComparison.Ordinal) || (gate.Ceiling == ceiling && gate.Agreeing == agreeing))
            {
                continue;
            }

            gate.Ceiling = ceiling;
            gate.Agreeing = agreeing;
            if (ThresholdOf(gate.RuleId) is not { } rule)
            {
                continue; // the group names a rule this asset's kind lacks: nothing to cap
            }

            var d = rule.Definition;
            var value = rule.LastValue ?? 0;
            ReportProcess(new RuleObservation(
                d.RuleId, rule.Confirmed, d.Metric, value, rule.LastSampleAt ?? now, now, null,
                ThresholdMessage(d, rule.Confirmed, value, _alerts.PeakOf(d.RuleId))), SensorOf(d.Metric), changes);
        }
    }

    /// <summary>The group judged this member drifting away from its neighbours, or sound again: a sensor-health alert.</summary>
    public void ApplyDrift(string groupId, DriftVerdict verdict, DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var group in Rules.Groups)
        {
            if (!string.Equals(group.GroupId, groupId, StringComparison.Ordinal) || group.Drift is not { } drift)
            {
                continue;
            }

            var message = verdict.Drifting
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{group.Metric} sensor drifting: reads {verdict.Value:0.###}, {verdict.Deviation:+0.###;-0.###} from the median {verdict.NeighbourMedian:0.###} of {verdict.Neighbours} neighbours in {groupId} for {(verdict.At - verdict.Since).TotalSeconds:0} s (more than {drift.Delta:0.###})")
                : string.Create(CultureInfo.InvariantCulture,
                    $"{group.Metric} sensor back with its neighbours in {groupId}: {verdict.Value:0.###} against their median {verdict.NeighbourMedian:0.###}");
            Observe(new RuleObservation(
                group.DriftRuleId, verdict.Drifting ? drift.Level : WarningLevel.None, group.Metric, verdict.Value, verdict.At, now, null, message)
            {
                Details = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["value"] = verdict.Value,
                    ["neighbourMedian"] = verdict.NeighbourMedian,
                    ["deviation"] = verdict.Deviation,
                    ["neighbours"] = verdict.Neighbours,
                    ["delta"] = drift.Delta,
                    ["deviatingSeconds"] = (verdict.At - verdict.Since).TotalSeconds,
                },
            }, changes);
        }
    }

    /// <summary>
    /// A corroborated threshold raises above the group's ceiling only with the group's agreement: until then it is held
    /// at the ceiling, and the alert says so and by how much.
    /// </summary>
    private RuleObservation Corroborated(RuleObservation observation)
    {
        foreach (var gate in _gates)
        {
            if (observation.Level <= gate.Ceiling || !string.Equals(gate.RuleId, observation.RuleId, StringComparison.Ordinal))
            {
                continue;
            }

            var c = gate.Group.Corroboration!;
            var note = string.Create(CultureInfo.InvariantCulture,
                $" (held at {gate.Ceiling}: {gate.Agreeing} of {gate.Group.Count} detectors of {gate.Group.GroupId} at {gate.Ceiling} or above; {c.K} must agree before more)");
            return observation with
            {
                Level = gate.Ceiling,
                Message = observation.Message + note,
                Details = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["uncappedLevel"] = (int)observation.Level,
                    ["corroborationK"] = c.K,
                    ["corroborationN"] = gate.Group.Count,
                    ["agreeing"] = gate.Agreeing,
                },
            };
        }

        return observation;
    }

    private ThresholdRule? ThresholdOf(string ruleId)
    {
        foreach (var rule in _rules)
        {
            if (string.Equals(rule.Definition.RuleId, ruleId, StringComparison.Ordinal))
            {
                return rule;
            }
        }

        return null;
    }

    private sealed class CorroborationGate(DetectorGroupDefinition group)
    {
        public DetectorGroupDefinition Group { get; } = group;

        public string RuleId { get; } = group.Corroboration!.RuleId;

        /// <summary>Until the group has answered, one detector is alone.</summary>
        public WarningLevel Ceiling { get; set; } = group.Corroboration!.AloneLevel;

        public int Agreeing { get; set; }

        /// <summary>After a restart the alert's level stands until the group says otherwise, as every rule takes its level back.</summary>
        public void Restore(WarningLevel alertLevel)
        {
            if (alertLevel > Ceiling)
            {
                Ceiling = alertLevel;
            }
        }
    }
}
