using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Rules.Backtest;

/// <summary>
/// One alarm a rule would have raised: from the sample at which its condition came on to the one at which it went off
/// (null: still on at the end of the range), with the worst level it reached. An alert that comes back before anyone
/// closes it is one alert in the live system, but each return is an alarm someone hears, so each is an episode here.
/// </summary>
public sealed record BacktestEpisode(string AssetId, string RuleId, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt, WarningLevel PeakLevel)
{
    /// <summary>Raised while its rule was flapping (see <see cref="BacktestCounts.MarkFlapping"/>).</summary>
    public bool Flapping { get; init; }
}

/// <summary>
/// Replays one asset's stored samples, oldest first, through the same <see cref="AssetEvaluator"/> the live asset uses
/// (docs/decisions/0043): sample time stands in for server time, so confirm times and holds run on the data's own clock.
/// Silence (offline), device events and geofences are not replayed: the store holds readings, not those.
/// </summary>
public sealed class BacktestReplay
{
    private readonly AssetEvaluator _evaluator;
    private readonly List<AlertChange> _changes = [];
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal); // rule id -> index of its open episode
    private readonly List<BacktestEpisode> _episodes = [];

    public BacktestReplay(string assetId, RuleSet rules, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(rules);
        // One asset at a time: a detector group's vote needs its members' series side by side, which a replay of one
        // asset does not have, so a member is judged alone and uncapped (decision 0050): a backtest then over-counts a
        // group's reds rather than hides them.
        _evaluator = new AssetEvaluator(assetId, rules.Groups.Count == 0 ? rules : rules with { Groups = [] }, start);
    }

    public long Samples { get; private set; }

    public void Apply(DateTimeOffset sampledAt, ReadOnlySpan<MetricValue> values)
    {
        Samples++;
        _evaluator.ApplySample(sampledAt, values, sampledAt, _changes);
        foreach (var change in _changes)
        {
            var alert = change.Alert;
            if (alert.RuleId == OfflineRuleDefinition.RuleIdValue)
            {
                continue; // a replay never goes silent; a stored "offline" would be the replay's own start-up
            }

            if (_open.TryGetValue(alert.RuleId, out var index))
            {
                var episode = _episodes[index];
                if (alert.ConditionActive)
                {
                    _episodes[index] = episode with { PeakLevel = RiskLevels.Max(episode.PeakLevel, alert.Level) };
                }
                else
                {
                    _episodes[index] = episode with { ClearedAt = sampledAt };
                    _open.Remove(alert.RuleId);
                }
            }
            else if (alert.ConditionActive)
            {
                _open[alert.RuleId] = _episodes.Count;
                _episodes.Add(new BacktestEpisode(alert.AssetId, alert.RuleId, sampledAt, null, alert.Level));
            }
        }

        _changes.Clear();
    }

    /// <summary>The episodes so far, in the order they were raised.</summary>
    public IReadOnlyList<BacktestEpisode> Episodes => _episodes;
}
