using System.Globalization;
using System.Text;

namespace RiskMonitor.Domain.Rules;

/// <summary>
/// What a change of rules does to one asset: the rules added, removed and changed between two rule sets, keyed by the
/// id of the alert each rule raises. Used to preview a rule change (which assets it affects) and by an asset to decide
/// whether it must rebuild its evaluator when a new rule version arrives (docs/decisions/0043).
/// </summary>
public sealed record RuleSetChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed)
{
    public static RuleSetChanges None { get; } = new([], [], []);

    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

    public static RuleSetChanges Between(RuleSet before, RuleSet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = Describe(before);
        var next = Describe(after);
        var added = next.Keys.Where(k => !old.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var removed = old.Keys.Where(k => !next.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var changed = next.Where(n => old.TryGetValue(n.Key, out var o) && !string.Equals(o, n.Value, StringComparison.Ordinal))
            .Select(n => n.Key).Order(StringComparer.Ordinal).ToList();
        return added.Count == 0 && removed.Count == 0 && changed.Count == 0 ? None : new RuleSetChanges(added, removed, changed);
    }

    /// <summary>
    /// Every rule of a set as one canonical line, keyed by its rule id (sensor health by its <c>sensor.&lt;metric&gt;</c>
    /// id, events by <c>event.&lt;code&gt;</c>, the silence rule by <c>offline</c>). Two rules with the same line judge the
    /// same way, so an asset whose lines are unchanged keeps its evaluator, windows and clocks.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Describe(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var lines = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OfflineRuleDefinition.RuleIdValue] = Invariant($"offline {rules.Offline.ReportingInterval.TotalSeconds} x{rules.Offline.Intervals} {rules.Offline.Level}"),
        };
        foreach (var t in rules.Thresholds)
        {
            lines[t.RuleId] = $"threshold {t.Metric} {Ladder(t.Ladder)} {t.Description}";
        }

        foreach (var (code, e) in rules.Events)
        {
            lines[EventMapping.RuleIdOf(code)] = Invariant($"event {e.Level} {e.ResponseDeadline?.TotalSeconds} {e.Description}");
        }

        foreach (var r in rules.RatesOfChange)
        {
            lines[r.RuleId] = Invariant($"rate {r.Metric} n={r.WindowSamples} {Ladder(r.Ladder)} {r.Description}");
        }

        foreach (var f in rules.Forecasts)
        {
            lines[f.RuleId] = Invariant(
                $"forecast {f.Metric} {f.Direction} {f.Threshold} n={f.WindowSamples} lead={f.Lead.TotalSeconds} {f.Level} agree={f.MinAgreement} {f.Description}");
        }

        foreach (var c in rules.Compounds)
        {
            var conditions = string.Join("; ", c.Conditions.Select(k => Invariant($"{k.Metric} {k.Direction} {k.Threshold} hold={k.Hold.TotalSeconds} clear={k.ClearRatio}")));
            lines[c.RuleId] = $"compound {c.Operator} {c.Level} [{conditions}] {c.Description}";
        }

        foreach (var s in rules.SensorHealth)
        {
            lines[s.RuleId] = Invariant(
                $"sensor {s.Metric} {s.Level} [{s.Min},{s.Max}] stuck={s.StuckAfter?.TotalSeconds}/{s.StuckTolerance} spike={s.SpikeDelta} {s.SpikeCount}/{s.SpikeWindowSamples} holdBack={s.HoldBackProcessAlarms} {s.Description}");
        }

        foreach (var g in rules.Groups)
        {
            lines["group." + g.GroupId] = g.Canonical();
        }

        return lines;
    }

    /// <summary>Every alert rule id a rule set can raise (a sensor's three faults each raise their own).</summary>
    public static IEnumerable<string> AlertRuleIds(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Thresholds.Select(t => t.RuleId)
            .Concat(rules.Events.Keys.Select(EventMapping.RuleIdOf))
            .Concat(rules.RatesOfChange.Select(r => r.RuleId))
            .Concat(rules.Forecasts.Select(f => f.RuleId))
            .Concat(rules.Compounds.Select(c => c.RuleId))
            .Concat(rules.SensorHealth.SelectMany(s => Enum.GetValues<SensorFault>().Select(s.FaultRuleId)))
            .Concat(rules.Groups.Where(g => g.Drift is not null).Select(g => g.DriftRuleId));
    }

    private static string Ladder(ThresholdLadder ladder)
    {
        var text = new StringBuilder(Invariant($"{ladder.Direction} clear={ladder.ClearRatio}"));
        for (var level = WarningLevel.Blue; level <= WarningLevel.Red; level++)
        {
            if (ladder.ThresholdOf(level) is { } threshold)
            {
                text.Append(Invariant($" {level}={threshold}/{ladder.ConfirmTime(level).TotalSeconds}s"));
            }
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
