using System.Globalization;
using System.Runtime.InteropServices;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules.Trends;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// Every decision about one asset: threshold rules, device events, silence and status, and the alerts they open.
/// Pure: the caller passes the time in and receives the alert changes to publish.
/// </summary>
public sealed partial class AssetEvaluator
{
    // A plain array scanned by metric: an asset has a handful of rules, and a per-asset dictionary of lists cost
    // more heap than everything else the evaluator holds (issue 5: heap per active asset).
    private readonly ThresholdRule[] _rules;
    private readonly SampleWindow[] _windows; // one per metric that a rate or forecast reads, sized by the largest
    private readonly RateOfChangeRule[] _rates;
    private readonly ForecastRule[] _forecasts;
    private readonly CompoundRule[] _compounds;
    private readonly SensorHealthRule[] _sensors;
    private readonly CorroborationGate[] _gates; // one per detector group that corroborates one of this asset's thresholds
    // The newest value per metric, scanned in order: an asset reports a handful of metrics, and a dictionary of two
    // entries cost 224 B per active asset against 88 B for this array (issue 22: heap per asset <= 4 KB).
    private (string Metric, LatestValue Value)[] _latest = [];
    private int _latestCount;
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
        _windows = [.. rules.RatesOfChange.Select(r => (r.Metric, r.WindowSamples))
            .Concat(rules.Forecasts.Select(f => (f.Metric, f.WindowSamples)))
            .GroupBy(w => w.Metric, StringComparer.Ordinal)
            .Select(g => new SampleWindow(g.Key, g.Max(w => new PairSlopes(w.WindowSamples).WindowCapacity)))];
        _rates = [.. rules.RatesOfChange.Select(r => new RateOfChangeRule(r, WindowOf(r.Metric)))];
        _forecasts = [.. rules.Forecasts.Select(f => new ForecastRule(f, WindowOf(f.Metric)))];
        _compounds = [.. rules.Compounds.Select(c => new CompoundRule(c))];
        _sensors = [.. rules.SensorHealth.Select(h => new SensorHealthRule(h))];
        _gates = [.. rules.Groups.Where(g => g.Corroboration is not null).Select(g => new CorroborationGate(g))];
    }

    public string AssetId { get; }

    public RuleSet Rules { get; }

    /// <summary>Server time at which data last arrived (not the device's timestamp, which may be skewed).</summary>
    public DateTimeOffset LastSeen { get; private set; }

    /// <summary>Device time of the newest sample.</summary>
    public DateTimeOffset? LastSampleAt { get; private set; }

    public bool ReportedOffline { get; private set; }

    public bool Online => !_alerts.IsActive(OfflineRuleDefinition.RuleIdValue);

    /// <summary>The newest value of every metric seen; a copy (the evaluator keeps them in a compact array).</summary>
    public IReadOnlyDictionary<string, LatestValue> Latest => LatestCopy();

    public IReadOnlyCollection<Alert> Alerts => _alerts.Alerts;

    public WarningLevel Level => _alerts.ActiveLevel;

    /// <summary>When the silence check should run next: one timeout after the last data.</summary>
    public DateTimeOffset QuietDeadline => LastSeen + Rules.Offline.Timeout;

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

            // From here on the rules' own instance of the name, so that each rule's metric test is a reference check.
            ref var latest = ref LatestSlot(ref metric, out var known);
            if (!known || sampledAt >= latest.At)
            {
                latest = new LatestValue(value, sampledAt);
            }

            var sensor = SensorOf(metric);
            var wasHolding = sensor?.HoldingBack ?? false;
            if (sensor is not null)
            {
                JudgeSensor(sensor, value, sampledAt, now, changes);
            }

            foreach (var rule in _rules)
            {
                if (!string.Equals(rule.Definition.Metric, metric, StringComparison.Ordinal))
                {
                    continue;
                }

                var before = rule.Confirmed;
                var spike = rule.TakeMissedSpike(value, sampledAt);
                var after = rule.Evaluate(value, sampledAt);
                if (spike != WarningLevel.None)
                {
                    ReportMissedSpike(rule, spike, value, sampledAt, now, sensor, changes);
                }
                else if (after != before)
                {
                    ReportProcess(new RuleObservation(
                        rule.Definition.RuleId, after, metric, value, sampledAt, now, null,
                        ThresholdMessage(rule.Definition, after, value, _alerts.PeakOf(rule.Definition.RuleId))), sensor, changes);
                }
            }

            // An impossible value is not a measurement: it must not bend a trend.
            if (sensor is not { LastWasImpossible: true } && AddToWindow(metric, sampledAt, value))
            {
                EvaluateTrends(metric, value, sampledAt, now, sensor, changes);
            }

            foreach (var compound in _compounds)
            {
                if (!compound.Reads(metric))
                {
                    continue;
                }

                var before = compound.Level;
                var after = compound.Evaluate(metric, value, sampledAt);
                if (after != before)
                {
                    ReportProcess(new RuleObservation(
                        compound.Definition.RuleId, after, metric, value, sampledAt, now, null, CompoundMessage(compound, after))
                    { Details = compound.Details() }, HolderOf(compound), changes);
                }
            }

            if (wasHolding && sensor is { HoldingBack: false })
            {
                ReleaseHeldBack(sensor, sampledAt, now, changes);
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
    public void CheckQuiet(DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (now >= QuietDeadline)
        {
            RaiseOffline(now, $"No data for {Rules.Offline.Timeout.TotalSeconds:0} s", changes);
        }

        _alerts.Tick(now, changes);
    }

    public (WorkflowOutcome Outcome, Alert? Alert) Handle(string alertId, Func<Alert, (WorkflowOutcome, Alert)> step) =>
        _alerts.Handle(alertId, step);

    /// <summary>The slot of <paramref name="metric"/>'s newest value, added (default) when the metric is new.</summary>
    /// <remarks>Sets <paramref name="metric"/> to the slot's instance of the name: the rules' pooled one where they read it.</remarks>
    private ref LatestValue LatestSlot(ref string metric, out bool known)
    {
        for (var i = 0; i < _latestCount; i++)
        {
            if (string.Equals(_latest[i].Metric, metric, StringComparison.Ordinal))
            {
                metric = _latest[i].Metric;
                known = true;
                return ref _latest[i].Value;
            }
        }

        if (_latestCount == _latest.Length)
        {
            // Sized first by the metrics the rules read (what a device of the kind reports), doubled past that.
            Array.Resize(ref _latest, _latest.Length == 0 ? Math.Max(2, Rules.Thresholds.Select(t => t.Metric).Distinct(StringComparer.Ordinal).Count()) : _latest.Length * 2);
        }

        known = false;
        metric = MetricNames.Known(metric);
        _latest[_latestCount] = (metric, default);
        return ref _latest[_latestCount++].Value;
    }

    private Dictionary<string, LatestValue> LatestCopy()
    {
        var copy = new Dictionary<string, LatestValue>(_latestCount, StringComparer.Ordinal);
        for (var i = 0; i < _latestCount; i++)
        {
            copy[_latest[i].Metric] = _latest[i].Value;
        }

        return copy;
    }

    public AssetEvaluatorSnapshot Snapshot() => new(
        LastSeen,
        LastSampleAt,
        ReportedOffline,
        _rules.ToDictionary(r => r.Definition.RuleId, r => r.Snapshot(), StringComparer.Ordinal),
        LatestCopy(),
        [.. _alerts.Alerts]);

    /// <summary>
    /// The same asset under a changed rule set, without a restart (docs/decisions/0043): what the evaluator remembers
    /// (alerts, threshold clocks, latest values) carries over as it does across a restart, and each new trend rule takes
    /// its level back from its alert. A rule that is gone clears its active alert, because nothing would ever clear it
    /// otherwise; the alert stays in the ledger for its people to close.
    /// </summary>
    public AssetEvaluator Reconfigure(RuleSet rules, DateTimeOffset now, FlapPolicy? flap, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(changes);
        var next = Restore(AssetId, rules, Snapshot(), now, flap);
        var kept = RuleSetChanges.AlertRuleIds(rules).ToHashSet(StringComparer.Ordinal);
        foreach (var ruleId in RuleSetChanges.AlertRuleIds(Rules).Where(id => !kept.Contains(id) && next._alerts.IsActive(id)))
        {
            next.Observe(new RuleObservation(ruleId, WarningLevel.None, null, null, now, now, null, "Rule removed from the rule set"), changes);
        }

        return next;
    }

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

        foreach (var (name, value) in snapshot.Latest)
        {
            var metric = name;
            evaluator.LatestSlot(ref metric, out _) = value;
        }

        evaluator._alerts.Restore(snapshot.Alerts);

        // Windows and clocks are not persisted (they refill within a window of samples); each rule takes back the level
        // its alert shows, so a restart neither repeats nor silently drops a warning.
        var book = evaluator._alerts;
        foreach (var rule in evaluator._rules)
        {
            // The grain state is written after the alert store, but a store that is a dead node's journal may never
            // reach PostgreSQL: the store's alert wins, or the rule would never raise (or clear) that alert again.
            rule.TakeLevel(book.LevelOf(rule.Definition.RuleId));
        }

        foreach (var rate in evaluator._rates)
        {
            rate.Restore(book.LevelOf(rate.Definition.RuleId));
        }

        foreach (var forecast in evaluator._forecasts)
        {
            forecast.Restore(book.LevelOf(forecast.Definition.RuleId));
        }

        foreach (var compound in evaluator._compounds)
        {
            compound.Restore(book.LevelOf(compound.Definition.RuleId));
        }

        foreach (var gate in evaluator._gates)
        {
            gate.Restore(book.LevelOf(gate.RuleId));
        }

        foreach (var sensor in evaluator._sensors)
        {
            var d = sensor.Definition;
            sensor.Restore(
                book.IsActive(d.FaultRuleId(SensorFault.Impossible)),
                book.IsActive(d.FaultRuleId(SensorFault.Stuck)),
                book.IsActive(d.FaultRuleId(SensorFault.Spike)));
        }

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

    private SampleWindow WindowOf(string metric)
    {
        foreach (var window in _windows)
        {
            if (string.Equals(window.Metric, metric, StringComparison.Ordinal))
            {
                return window;
            }
        }

        throw new InvalidOperationException($"No window for '{metric}'."); // the constructor made one per metric
    }

    private SensorHealthRule? SensorOf(string metric)
    {
        foreach (var sensor in _sensors)
        {
            if (string.Equals(sensor.Definition.Metric, metric, StringComparison.Ordinal))
            {
                return sensor;
            }
        }

        return null;
    }

    private bool AddToWindow(string metric, DateTimeOffset sampledAt, double value)
    {
        foreach (var window in _windows)
        {
            if (string.Equals(window.Metric, metric, StringComparison.Ordinal))
            {
                return window.Add(sampledAt, value);
            }
        }

        return false;
    }

    private void EvaluateTrends(string metric, double value, DateTimeOffset sampledAt, DateTimeOffset now, SensorHealthRule? sensor, List<AlertChange> changes)
    {
        foreach (var rate in _rates)
        {
            if (!string.Equals(rate.Definition.Metric, metric, StringComparison.Ordinal))
            {
                continue;
            }

            var before = rate.Confirmed;
            var after = rate.Evaluate(sampledAt);
            if (after != before)
            {
                ReportProcess(new RuleObservation(
                    rate.Definition.RuleId, after, metric, value, sampledAt, now, null, RateMessage(rate, after))
                { Details = rate.Details() }, sensor, changes);
            }
        }

        foreach (var forecast in _forecasts)
        {
            if (!string.Equals(forecast.Definition.Metric, metric, StringComparison.Ordinal))
            {
                continue;
            }

            var before = forecast.Level;
            var after = forecast.Evaluate(sampledAt);
            if (after != before)
            {
                ReportProcess(new RuleObservation(
                    forecast.Definition.RuleId, after, metric, value, sampledAt, now, null, ForecastMessage(forecast, after, sampledAt))
                { Details = forecast.Details() }, sensor, changes);
            }
        }
    }

    /// <summary>
    /// Raises, upgrades or clears a process alarm, unless the sensor behind it is judged faulty and holds its alarms
    /// back: then a raise or an upgrade is recorded on the sensor's alert instead. A fall or a clear always passes.
    /// </summary>
    private void ReportProcess(RuleObservation observation, SensorHealthRule? sensor, List<AlertChange> changes)
    {
        observation = Corroborated(observation);
        if (sensor is not { HoldingBack: true } || observation.Level <= _alerts.LevelOf(observation.RuleId))
        {
            Observe(observation, changes);
            return;
        }

        if (sensor.HoldBack(observation.RuleId, observation.Level))
        {
            RefreshSensorAlerts(sensor, observation.ReadingTime, observation.Now, changes);
        }
    }

    /// <summary>
    /// A late sample showed a spike the newer samples did not (<see cref="ThresholdRule.TakeMissedSpike"/>): the alert is
    /// raised (or returns, or rises) as of that sample, then brought back to the level the newest sample holds, as the two
    /// would have gone in order. People are told of a hazard that came and went; the asset's level stays that of now.
    /// </summary>
    private void ReportMissedSpike(ThresholdRule rule, WarningLevel spike, double value, DateTimeOffset sampledAt, DateTimeOffset now,
        SensorHealthRule? sensor, List<AlertChange> changes)
    {
        var definition = rule.Definition;
        var late = string.Create(CultureInfo.InvariantCulture, $" (late reading of {sampledAt:u}: newer readings had already been evaluated)");
        ReportProcess(new RuleObservation(
            definition.RuleId, spike, definition.Metric, value, sampledAt, now, null,
            ThresholdMessage(definition, spike, value, _alerts.PeakOf(definition.RuleId)) + late), sensor, changes);
        if (rule.LastSampleAt is { } newest && rule.LastValue is { } newestValue)
        {
            ReportProcess(new RuleObservation(
                definition.RuleId, rule.Confirmed, definition.Metric, newestValue, newest, now, null,
                ThresholdMessage(definition, rule.Confirmed, newestValue, _alerts.PeakOf(definition.RuleId))), sensor, changes);
        }
    }

    private SensorHealthRule? HolderOf(CompoundRule compound)
    {
        foreach (var sensor in _sensors)
        {
            if (sensor.HoldingBack && compound.Reads(sensor.Definition.Metric))
            {
                return sensor;
            }
        }

        return null;
    }

    private void JudgeSensor(SensorHealthRule sensor, double value, DateTimeOffset sampledAt, DateTimeOffset now, List<AlertChange> changes)
    {
        var impossible = sensor.Impossible;
        var stuck = sensor.Stuck;
        var spiking = sensor.Spiking;
        sensor.Evaluate(value, sampledAt);
        ObserveFault(sensor, SensorFault.Impossible, impossible, sampledAt, now, changes);
        ObserveFault(sensor, SensorFault.Stuck, stuck, sampledAt, now, changes);
        ObserveFault(sensor, SensorFault.Spike, spiking, sampledAt, now, changes);
    }

    private void ObserveFault(SensorHealthRule sensor, SensorFault fault, bool before, DateTimeOffset sampledAt, DateTimeOffset now, List<AlertChange> changes)
    {
        var after = sensor.Has(fault);
        if (after == before)
        {
            return;
        }

        var d = sensor.Definition;
        Observe(new RuleObservation(
            d.FaultRuleId(fault), after ? d.Level : WarningLevel.None, d.Metric, sensor.LastValue, sampledAt, now, null,
            SensorMessage(sensor, fault, after, sampledAt))
        { Details = sensor.Details(fault, sampledAt) }, changes);
    }

    private void RefreshSensorAlerts(SensorHealthRule sensor, DateTimeOffset sampledAt, DateTimeOffset now, List<AlertChange> changes)
    {
        foreach (var fault in Faults)
        {
            if (sensor.Has(fault))
            {
                var d = sensor.Definition;
                Observe(new RuleObservation(
                    d.FaultRuleId(fault), d.Level, d.Metric, sensor.LastValue, sampledAt, now, null, SensorMessage(sensor, fault, true, sampledAt))
                { Details = sensor.Details(fault, sampledAt), Refresh = true }, changes);
            }
        }
    }

    /// <summary>The sensor is sound again: every process alarm on its metric takes the level its rule holds now.</summary>
    private void ReleaseHeldBack(SensorHealthRule sensor, DateTimeOffset sampledAt, DateTimeOffset now, List<AlertChange> changes)
    {
        sensor.ReleaseHeldBack();
        var metric = sensor.Definition.Metric;
        var value = sensor.LastValue;
        foreach (var rule in _rules)
        {
            if (string.Equals(rule.Definition.Metric, metric, StringComparison.Ordinal))
            {
                Observe(Corroborated(new RuleObservation(rule.Definition.RuleId, rule.Confirmed, metric, rule.LastValue ?? value, sampledAt, now, null,
                    ThresholdMessage(rule.Definition, rule.Confirmed, rule.LastValue ?? value, _alerts.PeakOf(rule.Definition.RuleId)))), changes);
            }
        }

        foreach (var rate in _rates)
        {
            if (string.Equals(rate.Definition.Metric, metric, StringComparison.Ordinal))
            {
                Observe(new RuleObservation(rate.Definition.RuleId, rate.Confirmed, metric, value, sampledAt, now, null, RateMessage(rate, rate.Confirmed))
                { Details = rate.Details() }, changes);
            }
        }

        foreach (var forecast in _forecasts)
        {
            if (string.Equals(forecast.Definition.Metric, metric, StringComparison.Ordinal))
            {
                Observe(new RuleObservation(forecast.Definition.RuleId, forecast.Level, metric, value, sampledAt, now, null, ForecastMessage(forecast, forecast.Level, sampledAt))
                { Details = forecast.Details() }, changes);
            }
        }

        foreach (var compound in _compounds)
        {
            if (compound.Reads(metric) && HolderOf(compound) is null)
            {
                Observe(new RuleObservation(compound.Definition.RuleId, compound.Level, metric, value, sampledAt, now, null, CompoundMessage(compound, compound.Level))
                { Details = compound.Details() }, changes);
            }
        }
    }

    private static readonly SensorFault[] Faults = [SensorFault.Impossible, SensorFault.Stuck, SensorFault.Spike];

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string RateMessage(RateOfChangeRule rate, WarningLevel level)
    {
        var d = rate.Definition;
        var perMinute = rate.RatePerMinute.ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture);
        return level == WarningLevel.None
            ? $"{d.Metric} rate of change back to normal ({perMinute} per min)"
            : $"{d.Metric} changing {perMinute} per min over {rate.Window.Samples} samples ({rate.Window.Seconds:0} s): {level} rate threshold {Number(d.Ladder.ThresholdOf(level) ?? 0)}";
    }

    private static string ForecastMessage(ForecastRule forecast, WarningLevel level, DateTimeOffset sampledAt)
    {
        var d = forecast.Definition;
        var fit = forecast.LastFit;
        var trend = $"trend {(fit.SlopePerSecond * 60).ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture)} per min over {fit.Samples} samples ({fit.SpanSeconds:0} s), {fit.Agreement:P0} of pairs agree";
        if (level == WarningLevel.None)
        {
            return $"{d.Metric} no longer forecast to reach {Number(d.Threshold)} within {d.Lead.TotalSeconds:0} s ({trend})";
        }

        var seconds = forecast.SecondsToThreshold ?? 0;
        var at = (sampledAt + TimeSpan.FromSeconds(seconds)).UtcDateTime.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return $"{d.Metric} forecast to reach {Number(d.Threshold)} in {seconds:0} s (about {at}; now {Number(fit.LevelNow)}, {trend})";
    }

    private static string CompoundMessage(CompoundRule compound, WarningLevel level)
    {
        var d = compound.Definition;
        var conditions = string.Join(d.Operator == CompoundOperator.And ? " and " : " or ", d.Conditions.Select(c =>
            $"{c.Metric} {(c.Direction == ThresholdDirection.Above ? ">=" : "<=")} {Number(c.Threshold)} for {c.Hold.TotalSeconds:0} s"));
        return level == WarningLevel.None
            ? $"{d.Description ?? d.RuleId} no longer met ({conditions})"
            : $"{d.Description ?? d.RuleId}: {conditions}";
    }

    private static string SensorMessage(SensorHealthRule sensor, SensorFault fault, bool active, DateTimeOffset at)
    {
        var d = sensor.Definition;
        if (!active)
        {
            return $"{d.Metric} sensor no longer {(fault == SensorFault.Impossible ? "reading impossible values" : fault == SensorFault.Stuck ? "stuck" : "spiking")}";
        }

        var what = fault switch
        {
            SensorFault.Impossible => $"reads {Number(sensor.LastValue)}, outside its physical range [{(d.Min is { } min ? Number(min) : "-inf")}, {(d.Max is { } max ? Number(max) : "inf")}]",
            SensorFault.Stuck => $"stuck at {Number(sensor.LastValue)} for {sensor.StuckFor(at).TotalSeconds:0} s",
            _ => $"spiking: {sensor.SpikesInWindow} jumps of more than {Number(d.SpikeDelta ?? 0)} in the last {d.SpikeWindowSamples} samples",
        };
        var held = sensor.HeldBack.Count == 0
            ? d.HoldBackProcessAlarms ? "; its process alarms are held back" : string.Empty
            : "; holding back " + string.Join(", ", sensor.HeldBack.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key} ({h.Value})"));
        return $"{d.Metric} sensor {what}{held}";
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

        var ladder = rule.Ladder;
        var above = ladder.Direction == ThresholdDirection.Above;
        // Inside the dead-band the level holds although the value no longer meets its threshold: say so, and where it
        // clears ("639.9 >= Yellow threshold 650" read as arithmetic that is wrong).
        var message = ladder.MeetsThreshold(value, level)
            ? $"{rule.Metric} {value:0.###} {(above ? ">=" : "<=")} {level} threshold {ladder.ThresholdOf(level):0.###}"
            : $"{rule.Metric} {value:0.###}, {level} held until {(above ? "below" : "above")} {ladder.ClearPointOf(level):0.###} (threshold {ladder.ThresholdOf(level):0.###})";
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
