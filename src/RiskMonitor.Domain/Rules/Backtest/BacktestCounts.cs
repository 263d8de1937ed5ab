using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Rules.Backtest;

/// <summary>What a rule set would have raised over a range: alarms by their worst level, and how many came while flapping.</summary>
public sealed record BacktestCounts(int Alarms, int Blue, int Yellow, int Orange, int Red, int Flapping)
{
    public static BacktestCounts Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public static BacktestCounts Of(IEnumerable<BacktestEpisode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        int blue = 0, yellow = 0, orange = 0, red = 0, flapping = 0, all = 0;
        foreach (var e in episodes)
        {
            all++;
            flapping += e.Flapping ? 1 : 0;
            switch (e.PeakLevel)
            {
                case WarningLevel.Blue: blue++; break;
                case WarningLevel.Yellow: yellow++; break;
                case WarningLevel.Orange: orange++; break;
                case WarningLevel.Red: red++; break;
            }
        }

        return new BacktestCounts(all, blue, yellow, orange, red, flapping);
    }

    public BacktestCounts Plus(BacktestCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Alarms + other.Alarms, Blue + other.Blue, Yellow + other.Yellow, Orange + other.Orange, Red + other.Red, Flapping + other.Flapping);
    }

    public BacktestCounts Minus(BacktestCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Alarms - other.Alarms, Blue - other.Blue, Yellow - other.Yellow, Orange - other.Orange, Red - other.Red, Flapping - other.Flapping);
    }

    /// <summary>
    /// Marks each episode raised while its rule was flapping by the live flap policy's numbers: at least
    /// <see cref="FlapPolicy.Transitions"/> condition changes (raises and clears) of the same rule within
    /// <see cref="FlapPolicy.Window"/> up to and including its raise. Judged on the episodes themselves, so the count
    /// needs no clock ticking through the replay.
    /// </summary>
    public static IReadOnlyList<BacktestEpisode> MarkFlapping(IReadOnlyList<BacktestEpisode> episodes, FlapPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(policy);
        var marked = new List<BacktestEpisode>(episodes.Count);
        foreach (var rule in episodes.GroupBy(e => (e.AssetId, e.RuleId)))
        {
            var changes = rule.SelectMany(e => e.ClearedAt is { } cleared ? new[] { e.RaisedAt, cleared } : [e.RaisedAt]).Order().ToArray();
            foreach (var episode in rule)
            {
                var from = episode.RaisedAt - policy.Window;
                var recent = changes.Count(t => t > from && t <= episode.RaisedAt);
                marked.Add(episode with { Flapping = recent >= policy.Transitions });
            }
        }

        marked.Sort((a, b) => a.RaisedAt.CompareTo(b.RaisedAt));
        return marked;
    }
}
