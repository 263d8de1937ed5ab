using CsCheck;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Suggestions;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules.Suggestions;

/// <summary>Threshold suggestions from percentiles and false alarms (decision 0055).</summary>
public sealed class ThresholdSuggesterTests
{
    private static readonly SuggestionSettings Defaults = new();

    /// <summary>Readings 5 s apart from <see cref="TestRules.T0"/>.</summary>
    private static List<HistoryValue> Series(IEnumerable<double> values) => [.. values.Select((v, i) => new HistoryValue(T0.AddSeconds(i * 5), v))];

    /// <summary>0.00 to 9.99 in steps of 0.01, each twenty times: 20,000 readings whose percentiles are known by hand.</summary>
    private static List<HistoryValue> Grid() => Series(Enumerable.Range(0, 20_000).Select(i => i % 1000 / 100.0));

    private static AlertSpan Span(List<HistoryValue> values, int from, int to, bool falseAlarm) => new(values[from].At, values[to].At, falseAlarm);

    private static ThresholdSuggestion Suggest(ThresholdRuleDefinition rule, List<HistoryValue> values, params AlertSpan[] alerts) =>
        ThresholdSuggester.Suggest(rule, [new AssetHistory("gp-1", values, alerts)], Defaults);

    private static double? Level(ThresholdSuggestion s, WarningLevel level) => s.Levels.Single(l => l.Level == level).Suggested;

    [Fact]
    public void Blue_and_yellow_sit_just_beyond_p99_and_p99_9_of_normal_operation_and_orange_and_red_are_kept()
    {
        var suggestion = Suggest(Methane(), Grid());

        // Type-7 percentiles of the grid: p99 = 9.8901, p99.9 = 9.98001; the next three-figure numbers above them.
        Assert.Equal(9.8901, suggestion.Percentiles["p99"], 1e-9);
        Assert.Equal(9.98001, suggestion.Percentiles["p99.9"], 1e-9);
        Assert.Equal([9.9, 9.99, 25, 50], suggestion.Levels.Select(l => l.Suggested!.Value));
        Assert.Equal([LevelBasis.Percentile, LevelBasis.Percentile, LevelBasis.Kept, LevelBasis.Kept], suggestion.Levels.Select(l => l.Basis));
        var candidate = Assert.IsType<ThresholdRuleDefinition>(suggestion.Candidate);
        Assert.Equal(9.9, candidate.Ladder.ThresholdOf(WarningLevel.Blue));
        Assert.Equal(50, candidate.Ladder.ThresholdOf(WarningLevel.Red));
        Assert.Equal(TimeSpan.FromSeconds(10), candidate.Ladder.ConfirmTime(WarningLevel.Blue)); // confirm times and dead-band kept
        Assert.Equal(0.9, candidate.Ladder.ClearRatio);
        Assert.Equal((20_000, 20_000, 0), (suggestion.Samples, suggestion.NormalSamples, suggestion.FalseAlarms));
    }

    [Fact]
    public void Readings_during_a_real_alarm_are_not_normal_operation()
    {
        var values = Grid();
        for (var i = 5000; i < 5500; i++)
        {
            values[i] = values[i] with { Value = 40 };
        }

        var suggestion = Suggest(Methane(), values, Span(values, 4990, 5510, falseAlarm: false));

        Assert.Equal(20_000 - 521, suggestion.NormalSamples);
        Assert.True(Level(suggestion, WarningLevel.Blue) < 10); // with the 40s counted, p99 would be 40
        Assert.Equal(25, Level(suggestion, WarningLevel.Orange));
    }

    [Fact]
    public void A_level_a_false_alarm_would_still_raise_is_moved_beyond_its_worst_reading_by_the_dead_band()
    {
        var values = Grid();
        values.AddRange([new(values[^1].At.AddSeconds(5), 11), new(values[^1].At.AddSeconds(10), 12), new(values[^1].At.AddSeconds(15), 11.5)]);

        var suggestion = Suggest(Methane(), values, Span(values, values.Count - 3, values.Count - 1, falseAlarm: true));

        // 12 + 10 % = 13.2, then the next three-figure number above; yellow just above blue.
        Assert.Equal((13.3, 13.4), (Level(suggestion, WarningLevel.Blue), Level(suggestion, WarningLevel.Yellow)));
        Assert.All(suggestion.Levels.Take(2), l => Assert.Equal(LevelBasis.BeyondFalseAlarm, l.Basis));
        Assert.Equal((1, 1, 12.0), (suggestion.FalseAlarms, suggestion.FalseAlarmsWithReadings, suggestion.WorstFalseAlarmValue));
        Assert.Contains("12 was the worst reading of 1 false alarm(s)", suggestion.Levels[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_readings_for_a_percentile_change_nothing()
    {
        var suggestion = Suggest(Methane(), Series(Enumerable.Range(0, 999).Select(i => i % 10 / 10.0)));

        Assert.All(suggestion.Levels, l => Assert.Equal(l.Current, l.Suggested));
        Assert.Equal(LevelBasis.TooFewSamples, suggestion.Levels[0].Basis);
        Assert.Null(suggestion.Candidate);
    }

    [Fact]
    public void A_detector_resting_at_zero_gives_no_percentile_to_place_a_level_by()
    {
        var suggestion = Suggest(Methane(), Series(Enumerable.Repeat(0.0, 20_000)));

        Assert.Equal([LevelBasis.FlatHistory, LevelBasis.FlatHistory], suggestion.Levels.Take(2).Select(l => l.Basis));
        Assert.Null(suggestion.Candidate);
    }

    [Fact]
    public void An_early_level_normal_operation_pushes_past_orange_is_left_out_and_orange_is_not_moved()
    {
        var values = Series(Enumerable.Range(0, 20_000).Select(i => i % 1000 * 0.03)); // 0 to 29.97

        var suggestion = Suggest(Methane(), values);

        Assert.Equal(LevelBasis.NoRoom, suggestion.Levels.Single(l => l.Level == WarningLevel.Yellow).Basis);
        Assert.Null(Level(suggestion, WarningLevel.Yellow));
        var candidate = Assert.IsType<ThresholdRuleDefinition>(suggestion.Candidate);
        Assert.Null(candidate.Ladder.ThresholdOf(WarningLevel.Yellow));
        Assert.Equal(25, candidate.Ladder.ThresholdOf(WarningLevel.Orange));
        Assert.Contains(suggestion.Notes, n => n.Contains("reaches the Orange threshold (25)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_below_rule_is_the_mirror_of_an_above_rule()
    {
        var low = LowPressure(); // yellow 200, red 100 kPa, below
        var values = Series(Enumerable.Range(0, 20_000).Select(i => 300 - (i % 1000 * 0.05))); // 250.05 to 300

        var suggestion = Suggest(low, values);

        // p99 of "badness" is the 1st percentile of the readings, 250.5495: yellow at the next three-figure number below it.
        Assert.Equal(250, Level(suggestion, WarningLevel.Yellow));
        Assert.Equal(100, Level(suggestion, WarningLevel.Red));
        Assert.Equal(ThresholdDirection.Below, suggestion.Candidate!.Ladder.Direction);
    }

    [Fact]
    public void Any_history_gives_a_valid_ladder_that_normal_operation_seldom_reaches_and_no_false_alarm_reaches()
    {
        Gen.Select(Gen.Double[0, 1].Array[1000, 12_000], Gen.Double[0.5, 20], Gen.Double[0, 45], Gen.Bool).Sample((units, scale, falseValue, withFalse) =>
        {
            // Skewed like a gas reading: mostly low, a long tail.
            var values = Series(units.Select(u => scale * u * u * u));
            AlertSpan[] alerts = [];
            if (withFalse)
            {
                values.Add(new HistoryValue(values[^1].At.AddSeconds(5), falseValue));
                alerts = [new AlertSpan(values[^1].At, values[^1].At, FalseAlarm: true)];
            }

            var suggestion = Suggest(Methane(), values, alerts);

            var normal = values.Select(v => v.Value).ToList();
            foreach (var level in suggestion.Levels)
            {
                if (level.Basis == LevelBasis.Kept)
                {
                    Assert.Equal(level.Current, level.Suggested);
                    continue;
                }

                if (level.Suggested is not { } t)
                {
                    continue;
                }

                Assert.True(t < 25, $"{level.Level} at {t} is not below orange");
                if (level.Basis == LevelBasis.Percentile)
                {
                    var p = Defaults.PercentileOf(level.Level)!.Value;
                    var share = normal.Count(v => v >= t) / (double)normal.Count;
                    Assert.True(share <= 1 - (p / 100) + (1.0 / normal.Count), $"{share} of normal readings reach {level.Level} at {t}");
                }

                if (withFalse)
                {
                    Assert.True(falseValue < t, $"the false alarm's {falseValue} still reaches {level.Level} at {t}");
                }
            }

            // The candidate, when there is one, is a ladder the rule engine accepts (its constructor checks the order).
            if (suggestion.Candidate is { } candidate)
            {
                Assert.Equal(50, candidate.Ladder.ThresholdOf(WarningLevel.Red));
            }
        }, iter: 200);
    }

    [Fact]
    public void Suggestions_for_a_below_rule_on_negated_readings_are_the_negated_suggestions_of_the_above_rule()
    {
        var above = Methane();
        var mirrored = above with
        {
            Ladder = new ThresholdLadder(
                ThresholdDirection.Below,
                new Dictionary<WarningLevel, double> { [WarningLevel.Blue] = -5, [WarningLevel.Yellow] = -10, [WarningLevel.Orange] = -25, [WarningLevel.Red] = -50 },
                0.9, new Dictionary<WarningLevel, TimeSpan>()),
        };
        Gen.Double[0, 30].Array[1000, 6000].Sample(data =>
        {
            var up = Suggest(above, Series(data));
            var down = Suggest(mirrored, Series(data.Select(d => -d)));

            Assert.Equal(up.Levels.Select(l => l.Suggested), down.Levels.Select(l => -l.Suggested));
        }, iter: 100);
    }

    [Theory]
    [InlineData(2.98, 2.0, 2.99)]
    [InlineData(2.99, 2.0, 3.0)]
    [InlineData(312.4, 300, 313)]
    [InlineData(-312.4, 300, -312)]
    [InlineData(0.004, 0.001, 0.00401)]
    [InlineData(0.004, 1.5, 0.01)]
    public void Thresholds_are_the_next_three_figure_number_strictly_beyond(double floor, double typical, double expected) =>
        Assert.Equal(expected, ThresholdSuggester.JustAbove(floor, floor, typical), 1e-12);
}
