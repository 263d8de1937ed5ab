using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// Every decision about one asset: threshold rules, device events, silence and status, and the alerts they open.
/// Pure: the caller passes the time in and receives the alert changes to publish.
/// </summary>
public sealed class AssetEvaluator
{
    // A plain array scanned by metric: an asset has a handful of rules, and a per-asset dictionary of lists cost
    // more heap than everything else the evaluator holds (issue 5: heap per active asset).
    private readonly ThresholdRule[] _rules;
    private readonly Dictionary<string, LatestValue> _latest = new(StringComparer.Ordinal);
    private readonly AlertBook _alerts;

    public AssetEvaluator(string assetId, RuleSet rules, DateTimeOffset activatedAt, FlapPolicy? flap = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        AssetId = assetId;
        Rules = rules;
        _alerts = new AlertBook(assetId, flap);
        // Silence is measured from when we started listening, so an asset that never reports goes offline too.
        LastSeen = activatedAt;
        _rules = [.. rules.Thresholds.Select(definition => new ThresholdRule(definition))];
    }

    public string AssetId { get; }

    public RuleSet Rules { get; }

    /// <summary>Server time at which data last arrived (not the device's timestamp, which may be skewed).</summary>
    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Device time of the newest sample.</summary>
    public DateTimeOffset? LastSampleAt { get; private set; }

    public bool ReportedOffline { get; private set; }

    public bool Online => !_alerts.IsActive(OfflineRuleDefinition.RuleIdValue);

    public IReadOnlyDictionary<string, LatestValue> Latest => _latest;

    public IReadOnlyCollection<Alert> Alerts => _alerts.Alerts;

    public WarningLevel Level => _alerts.ActiveLevel;

    /// <summary>When the silence check should run next: one timeout after the last data.</summary>
    public DateTimeOffset SilenceDeadline => LastSeen + Rules.Offline.Timeout;

    /// <summary>Applies one telemetry sample; alert changes are appended to <paramref name="changes"/>.</summary>
    public void ApplySample(DateTimeOffset sampledAt, ReadOnlySpan<MetricValue> values, DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        MarkSeen(now, changes);
        if (LastSampleAt is null || sampledAt > LastSampleAt)
        {
            LastSampleAt = sampledAt;
        }

        for (var i = 0; i < values.Length; i++)
        {
            var (metric, value) = values[i];
            if (!double.IsFinite(value))
            {
                continue; // ingestion rejects these; the rule engine must not trust that alone
            }

            if (!_latest.TryGetValue(metric, out var latest) || sampledAt >= latest.At)
            {
                _latest[metric] = new LatestValue(value, sampledAt);
            }

            foreach (var rule in _rules)
            {
                if (!string.Equals(rule.Definition.Metric, metric, StringComparison.Ordinal))
                {
                    continue;
                }

                var before = rule.Confirmed;
                var after = rule.Evaluate(value, sampledAt);
                if (after != before)
                {
                    Observe(new RuleObservation(
                        rule.Definition.RuleId, after, metric, value, sampledAt, now, null,
                        ThresholdMessage(rule.Definition, after, value, _alerts.PeakOf(rule.Definition.RuleId))), changes);
                }
            }
        }
    }

    /// <summary>Applies a device event. Returns false for a code the asset's rules do not know (the caller counts it).</summary>
    public bool ApplyEvent(string code, bool active, DateTimeOffset occurredAt, DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        MarkSeen(now, changes);
        if (!Rules.Events.TryGetValue(code, out var mapping))
        {
            return false;
        }

        var level = active ? mapping.Level : WarningLevel.None;
        Observe(new RuleObservation(
            mapping.RuleId, level, null, null, occurredAt, now, active ? mapping.ResponseDeadline : null,
            mapping.Description ?? $"Device event '{code}'"), changes);
        return true;
    }

    /// <summary>
    /// Applies a verdict reached outside the evaluator's own rules (the hazmat geofence): it raises, upgrades or clears
    /// the rule's one alert like any other rule, so the alert takes the same path.
    /// </summary>
    public void ApplyObservation(RuleObservation observation, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(changes);
        Observe(observation, changes);
    }

    /// <summary>Applies the retained <c>online</c>/<c>offline</c> status (an <c>offline</c> is usually the device's last will).</summary>
    public void ApplyStatus(bool online, DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ReportedOffline = !online;
        if (online)
        {
            MarkSeen(now, changes);
        }
        else
        {
            RaiseOffline(now, "Device reported offline", changes);
        }
    }

    /// <summary>
    /// The periodic check: raises the offline alert when nothing arrived within the timeout (sensor health is a risk
    /// too) and drops the flapping flag of alerts that have been quiet long enough.
    /// </summary>
    public void CheckSilence(DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (now >= SilenceDeadline)
        {
            RaiseOffline(now, $"No data for {Rules.Offline.Timeout.TotalSeconds:0} s", changes);
        }

        _alerts.Tick(now, changes);
    }

    public (WorkflowOutcome Outcome, Alert? Alert) Handle(string alertId, Func<Alert, (WorkflowOutcome, Alert)> step) =>
        _alerts.Handle(alertId, step);

    public AssetEvaluatorSnapshot Snapshot() => new(
        LastSeen,
        LastSampleAt,
        ReportedOffline,
        _rules.ToDictionary(r => r.Definition.RuleId, r => r.Snapshot(), StringComparer.Ordinal),
        new Dictionary<string, LatestValue>(_latest, StringComparer.Ordinal),
        [.. _alerts.Alerts]);

    public static AssetEvaluator Restore(string assetId, RuleSet rules, AssetEvaluatorSnapshot? snapshot, DateTimeOffset now, FlapPolicy? flap = null)
    {
        var evaluator = new AssetEvaluator(assetId, rules, snapshot?.LastSeen ?? now, flap);
        if (snapshot is null)
        {
            return evaluator;
        }

        evaluator.LastSampleAt = snapshot.LastSampleAt;
        evaluator.ReportedOffline = snapshot.ReportedOffline;
        foreach (var rule in evaluator._rules)
        {
            // Rules added or removed since the snapshot simply start fresh or are forgotten.
            if (snapshot.Thresholds.TryGetValue(rule.Definition.RuleId, out var state))
            {
                rule.Restore(state);
            }
        }

        foreach (var (metric, value) in snapshot.Latest)
        {
            evaluator._latest[metric] = value;
        }

        evaluator._alerts.Restore(snapshot.Alerts);
        return evaluator;
    }

    private void MarkSeen(DateTimeOffset now, List<AlertChange> changes)
    {
        if (now > LastSeen)
        {
            LastSeen = now;
        }

        // Data is proof of life, whatever the last retained status said.
        ReportedOffline = false;
        if (!_alerts.IsActive(OfflineRuleDefinition.RuleIdValue))
        {
            return; // the hot path: nothing to clear, nothing allocated
        }

        Observe(new RuleObservation(OfflineRuleDefinition.RuleIdValue, WarningLevel.None, null, null, now, now, null, "Data received"), changes);
    }

    private void RaiseOffline(DateTimeOffset now, string message, List<AlertChange> changes) =>
        Observe(new RuleObservation(
            OfflineRuleDefinition.RuleIdValue, Rules.Offline.Level, null, null, LastSeen, now, null, message), changes);

    private void Observe(RuleObservation observation, List<AlertChange> changes)
    {
        if (_alerts.Apply(observation) is { } change)
        {
            changes.Add(change);
        }
    }

    /// <summary>
    /// The alert's message states the level it is at now, and when that is below the highest it reached (the alert's
    /// severity, which the pages' badge shows), says so: "43.4 >= Orange threshold 25" under a red badge read as a
    /// contradiction (issue 23).
    /// </summary>
    internal static string ThresholdMessage(ThresholdRuleDefinition rule, WarningLevel level, double value, WarningLevel peak)
    {
        if (level == WarningLevel.None)
        {
            return $"{rule.Metric} back to normal at {value:0.###}";
        }

        var comparison = rule.Ladder.Direction == ThresholdDirection.Above ? ">=" : "<=";
        var message = $"{rule.Metric} {value:0.###} {comparison} {level} threshold {rule.Ladder.ThresholdOf(level):0.###}";
        return peak > level ? $"{message}, down from {peak}" : message;
    }
}

/// <summary>The newest value of a metric and the device time it was sampled at.</summary>
public readonly record struct LatestValue(double Value, DateTimeOffset At);

/// <summary>Everything an <see cref="AssetEvaluator"/> needs to resume after its grain is re-activated.</summary>
public sealed record AssetEvaluatorSnapshot(
    DateTimeOffset LastSeen,
    DateTimeOffset? LastSampleAt,
    bool ReportedOffline,
    IReadOnlyDictionary<string, ThresholdRuleSnapshot> Thresholds,
    IReadOnlyDictionary<string, LatestValue> Latest,
    IReadOnlyList<Alert> Alerts);
