using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Backtest;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules.Backtest;

/// <summary>
/// A backtest's counts against a brute-force replay (decision 0043): for a ladder without confirm times or dead-band,
/// an alarm is a maximal run of samples at or beyond the lowest threshold and its level the worst sample of the run,
/// which a plain loop over the numbers finds without the rule engine.
/// </summary>
public sealed class BacktestReplayTests
{
    private static readonly FlapPolicy Flap = new(5, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    private static RuleSet YellowTenRedThirty() => new(
        "gas_pipeline",
        [new ThresholdRuleDefinition("ch4_lel.high", "ch4_lel", new ThresholdLadder(
            ThresholdDirection.Above,
            new Dictionary<WarningLevel, double> { [WarningLevel.Yellow] = 10, [WarningLevel.Red] = 30 },
            clearRatio: 1,
            new Dictionary<WarningLevel, TimeSpan>()))],
        new Dictionary<string, EventMapping>(),
        new OfflineRuleDefinition(TimeSpan.FromSeconds(5), 3, WarningLevel.Blue));

    /// <summary>The plain loop: runs of samples >= 10, red if any sample of the run is >= 30, flapping by the policy's count.</summary>
    private static (int Yellow, int Red, int Flapping) BruteForce(IReadOnlyList<(DateTimeOffset At, double Value)> series)
    {
        var runs = new List<(DateTimeOffset Start, DateTimeOffset? End, double Peak)>();
        for (var i = 0; i < series.Count; i++)
        {
            if (series[i].Value < 10)
            {
                continue;
            }

            var start = i;
            var peak = series[i].Value;
            while (i + 1 < series.Count && series[i + 1].Value >= 10)
            {
                i++;
                peak = Math.Max(peak, series[i].Value);
            }

            runs.Add((series[start].At, i + 1 < series.Count ? series[i + 1].At : null, peak));
        }

        var changes = runs.SelectMany(r => r.End is { } end ? new[] { r.Start, end } : [r.Start]).ToList();
        var flapping = runs.Count(r => changes.Count(t => t > r.Start - Flap.Window && t <= r.Start) >= Flap.Transitions);
        return (runs.Count(r => r.Peak < 30), runs.Count(r => r.Peak >= 30), flapping);
    }

    [Fact]
    public void Counts_by_level_and_flapping_agree_with_a_brute_force_replay_of_the_same_random_series()
    {
        for (var seed = 1; seed <= 200; seed++)
        {
            var random = new Random(seed);
            var series = new List<(DateTimeOffset At, double Value)>();
            var at = T0;
            var level = 0.0;
            for (var i = 0; i < 400; i++)
            {
                at = at.AddSeconds(1 + random.Next(10)); // irregular reporting, as from the field
                // Mostly quiet with bursts: a random walk that sometimes jumps, so runs of every length and peak occur.
                level = random.NextDouble() < 0.05 ? random.NextDouble() * 45 : Math.Max(0, level + ((random.NextDouble() - 0.55) * 6));
                series.Add((at, Math.Round(level, 2)));
            }

            var replay = new BacktestReplay("gp-1", YellowTenRedThirty(), T0);
            foreach (var (time, value) in series)
            {
                replay.Apply(time, [new MetricValue("ch4_lel", value)]);
            }

            var counts = BacktestCounts.Of(BacktestCounts.MarkFlapping(replay.Episodes, Flap));
            var expected = BruteForce(series);

            Assert.True((expected.Yellow, expected.Red, expected.Flapping) == (counts.Yellow, counts.Red, counts.Flapping),
                $"seed {seed}: brute force {expected}, backtest {counts}");
            Assert.Equal(expected.Yellow + expected.Red, counts.Alarms);
        }
    }

    [Fact]
    public void Confirm_times_run_on_the_samples_own_clock()
    {
        var replay = new BacktestReplay("gp-1", Pipeline(), T0);

        // Orange (25) must hold 10 s: three samples 5 s apart raise it at the third, as the live asset would.
        foreach (var seconds in new[] { 0, 5, 10, 15 })
        {
            replay.Apply(T0.AddSeconds(seconds), [new MetricValue("ch4_lel", 30)]);
        }

        var alarm = Assert.Single(replay.Episodes);
        Assert.Equal((T0.AddSeconds(10), WarningLevel.Orange), (alarm.RaisedAt, alarm.PeakLevel));
    }

    [Fact]
    public void Each_real_alert_is_matched_to_the_nearest_alarm_within_the_window_and_false_alarms_are_counted_both_ways()
    {
        BacktestEpisode Alarm(string asset, int minute) => new(asset, "ch4_lel.high", T0.AddMinutes(minute), null, WarningLevel.Red);
        LedgerAlert Real(string asset, int minute, string? cause = null) =>
            new($"{asset}~{minute}", asset, "ch4_lel.high", T0.AddMinutes(minute), WarningLevel.Red, cause);

        var comparison = DetectionComparison.Of(
            [Alarm("gp-1", 8), Alarm("gp-1", 58), Alarm("gp-2", 200), Alarm("gp-3", 10)],
            [Real("gp-1", 10), Real("gp-1", 60, LedgerAlert.FalseAlarmCause), Real("gp-2", 0, LedgerAlert.FalseAlarmCause), Real("gp-3", 11)],
            TimeSpan.FromMinutes(15));

        Assert.Equal((4, 3, 1, 1), (comparison.RealAlerts, comparison.Matched, comparison.Missed, comparison.Unmatched));
        Assert.Equal((1, 1), (comparison.FalseAlarmsStillRaised, comparison.FalseAlarmsAvoided));
        Assert.Equal(-120, comparison.MedianSecondsToDetect); // -120, -120, -60 s: two minutes earlier than the live rules
    }
}
