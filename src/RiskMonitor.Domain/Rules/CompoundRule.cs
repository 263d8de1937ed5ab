namespace RiskMonitor.Domain.Rules;

/// <summary>
/// The live state of one compound rule. Each condition keeps its own clock: it holds once its metric has been beyond
/// the threshold for its hold time without a break, and lets go when the value is back past its clear point. The rule
/// raises its level while the conditions hold as its operator asks. A metric that has not reported holds nothing.
/// </summary>
public sealed class CompoundRule
{
    private readonly ConditionState[] _states;

    public CompoundRule(CompoundRuleDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
        _states = new ConditionState[definition.Conditions.Count];
    }

    public CompoundRuleDefinition Definition { get; }

    public WarningLevel Level { get; private set; }

    /// <summary>True when a condition of this rule reads <paramref name="metric"/>.</summary>
    public bool Reads(string metric)
    {
        // Indexed, not foreach: Conditions is an interface, whose enumerator is a 40 B box on every call, and this runs
        // for every metric of every reading (it was the 80 B a reading docs/benchmarks.md found; decision 0055).
        var conditions = Definition.Conditions;
        for (var i = 0; i < conditions.Count; i++)
        {
            if (string.Equals(conditions[i].Metric, metric, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Feeds one sample of <paramref name="metric"/> to the conditions that read it; returns the rule's level after.</summary>
    public WarningLevel Evaluate(string metric, double value, DateTimeOffset sampledAt)
    {
        var conditions = Definition.Conditions;
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            if (!string.Equals(condition.Metric, metric, StringComparison.Ordinal))
            {
                continue;
            }

            ref var state = ref _states[i];
            if (state.LastTicks != 0 && sampledAt.UtcTicks <= state.LastTicks)
            {
                continue; // late or repeated: as for thresholds, it would rewind the hold clock
            }

            state.LastTicks = sampledAt.UtcTicks;
            state.Value = value;
            var needed = state.Holds ? condition.ClearPoint : condition.Threshold;
            var beyond = condition.Direction == ThresholdDirection.Above ? value >= needed : value <= needed;
            if (!beyond)
            {
                state.Since = 0;
                state.Holds = false;
                continue;
            }

            if (state.Since == 0)
            {
                state.Since = sampledAt.UtcTicks;
            }

            state.Holds = state.Holds || sampledAt.UtcTicks - state.Since >= condition.Hold.Ticks;
        }

        var holding = 0;
        foreach (var state in _states)
        {
            holding += state.Holds ? 1 : 0;
        }

        var met = Definition.Operator == CompoundOperator.And ? holding == _states.Length : holding > 0;
        Level = met ? Definition.Level : WarningLevel.None;
        return Level;
    }

    /// <summary>After a restart the clocks start again; the level comes back from the rule's alert and holds until a condition is seen to fail.</summary>
    public void Restore(WarningLevel level)
    {
        Level = level;
        if (level == WarningLevel.None)
        {
            return;
        }

        for (var i = 0; i < _states.Length; i++)
        {
            _states[i].Holds = true;
        }
    }

    public Dictionary<string, double> Details()
    {
        var details = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < _states.Length; i++)
        {
            var condition = Definition.Conditions[i];
            if (_states[i].LastTicks != 0)
            {
                details[condition.Metric] = _states[i].Value;
            }

            details[$"condition{i + 1}.holds"] = _states[i].Holds ? 1 : 0;
        }

        return details;
    }

    private struct ConditionState
    {
        public long Since;
        public long LastTicks;
        public double Value;
        public bool Holds;
    }
}
