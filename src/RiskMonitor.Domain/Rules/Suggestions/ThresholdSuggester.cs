using System.Globalization;

namespace RiskMonitor.Domain.Rules.Suggestions;

/// <summary>One stored reading of the rule's metric.</summary>
public readonly record struct HistoryValue(DateTimeOffset At, double Value);

/// <summary>
/// An alert of the rule that the ledger holds for the asset, as the span of readings that raised and held it.
/// <paramref name="FalseAlarm"/>: closed with the cause <c>false_alarm</c>; any other alert (real, or not judged yet)
/// is not normal operation.
/// </summary>
public readonly record struct AlertSpan(DateTimeOffset From, DateTimeOffset To, bool FalseAlarm);

/// <summary>One asset's readings of the metric, oldest first, and its alerts of the rule.</summary>
public sealed record AssetHistory(string AssetId, IReadOnlyList<HistoryValue> Values, IReadOnlyList<AlertSpan> Alerts);

/// <summary>
/// Which percentile of normal operation places each early-warning level (docs/decisions/0055). Orange and red are the
/// alarm levels of the standards and of the asset's design (GB/T 50493 first and second level, a main's pressure class)
/// and are never moved by statistics.
/// </summary>
public sealed record SuggestionSettings(double BluePercentile = 99, double YellowPercentile = 99.9)
{
    /// <summary>
    /// A percentile needs at least this many samples beyond it, else it is one or two outliers: p99 wants 1,000 normal
    /// samples, p99.9 10,000 (about 14 h of one asset at 5 s, or a kind of 20 assets in under an hour).
    /// </summary>
    public const int SamplesBeyondPercentile = 10;

    public double? PercentileOf(WarningLevel level) => level switch
    {
        WarningLevel.Blue => BluePercentile,
        WarningLevel.Yellow => YellowPercentile,
        _ => null,
    };

    /// <summary>Null when the settings are usable, else what is wrong with them.</summary>
    public string? Problem() =>
        BluePercentile is < 50 or >= 100 || YellowPercentile is < 50 or >= 100 || !double.IsFinite(BluePercentile) || !double.IsFinite(YellowPercentile)
            ? "Percentiles must be at least 50 and below 100."
            : BluePercentile > YellowPercentile ? "The blue percentile must not be above the yellow one." : null;
}

public enum LevelBasis
{
    /// <summary>Orange or red: from the standard or the design, not moved by statistics.</summary>
    Kept,

    /// <summary>Just beyond the level's percentile of normal operation.</summary>
    Percentile,

    /// <summary>Moved beyond the worst reading of a false alarm that its percentile (or current value) would have raised.</summary>
    BeyondFalseAlarm,

    /// <summary>Too few normal samples for the percentile (and no false alarm to move it): unchanged.</summary>
    TooFewSamples,

    /// <summary>Normal operation has no tail at this percentile (a detector resting at one value): unchanged.</summary>
    FlatHistory,

    /// <summary>It would have to sit at or past the next level that is kept: the level is left out of the candidate.</summary>
    NoRoom,
}

/// <param name="Suggested">The suggested threshold; null when the level is left out (<see cref="LevelBasis.NoRoom"/>).</param>
public sealed record LevelSuggestion(WarningLevel Level, double Current, double? Suggested, LevelBasis Basis, string Reason);

/// <summary>
/// A threshold suggestion for one rule, with the statistics it came from. <see cref="Candidate"/> is the rule with the
/// suggested levels (null when nothing would change); it is only ever a candidate: a person applies it through the
/// rule-change flow (docs/decisions/0043), never this code.
/// </summary>
public sealed record ThresholdSuggestion(
    string RuleId, string Metric, ThresholdDirection Direction, int Samples, int NormalSamples, int FalseAlarms, int FalseAlarmsWithReadings,
    IReadOnlyDictionary<string, double> Percentiles, double? WorstFalseAlarmValue, IReadOnlyList<LevelSuggestion> Levels,
    ThresholdRuleDefinition? Candidate, IReadOnlyList<string> Notes);

/// <summary>
/// Suggests the early-warning thresholds of a rule from the history of an asset or a kind (docs/decisions/0055):
/// normal operation is every reading outside the spans of alerts not judged false; each early level (blue, yellow) is
/// placed just beyond its percentile of normal operation, then beyond the worst reading of any false alarm that would
/// still reach it, by the rule's dead-band. Pure: the caller reads the history and the ledger.
/// </summary>
public static class ThresholdSuggester
{
    private const int SignificantDigits = 3;

    public static ThresholdSuggestion Suggest(ThresholdRuleDefinition current, IEnumerable<AssetHistory> history, SuggestionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        var ladder = current.Ladder;
        // Everything below is worked in "badness": higher is worse whichever way the rule looks, so a below-rule is the
        // above-rule of the negated readings.
        double sign = ladder.Direction == ThresholdDirection.Above ? 1 : -1;
        var normal = new List<double>();
        int samples = 0, falseAlarms = 0, falseWithReadings = 0;
        double? worstFalse = null;
        foreach (var asset in history)
        {
            var values = asset.Values;
            samples += values.Count;
            var excluded = new bool[values.Count];
            foreach (var span in asset.Alerts)
            {
                var (from, to) = IndexRange(values, span.From, span.To);
                if (!span.FalseAlarm)
                {
                    Array.Fill(excluded, true, from, to - from);
                    continue;
                }

                falseAlarms++;
                double? worst = null;
                for (var i = from; i < to; i++)
                {
                    if (double.IsFinite(values[i].Value))
                    {
                        worst = Math.Max(worst ?? double.MinValue, sign * values[i].Value);
                    }
                }

                if (worst is { } w)
                {
                    falseWithReadings++;
                    worstFalse = Math.Max(worstFalse ?? double.MinValue, w);
                }
            }

            for (var i = 0; i < values.Count; i++)
            {
                if (!excluded[i] && double.IsFinite(values[i].Value))
                {
                    normal.Add(sign * values[i].Value);
                }
            }
        }

        normal.Sort();
        var percentiles = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var notes = new List<string>();
        double? median = normal.Count == 0 ? null : PercentileOf(normal, 50);
        if (median is { } m)
        {
            percentiles["p50"] = sign * m;
            percentiles["worst"] = sign * normal[^1];
        }

        var band = Math.Max(1 - ladder.ClearRatio, 0.01);
        var levels = new List<LevelSuggestion>();
        double? previous = null; // the final threshold (badness) of the last level placed
        for (var level = WarningLevel.Blue; level <= WarningLevel.Red; level++)
        {
            if (ladder.ThresholdOf(level) is not { } threshold)
            {
                continue;
            }

            var currentBad = sign * threshold;
            if (settings.PercentileOf(level) is not { } p)
            {
                levels.Add(new LevelSuggestion(level, threshold, threshold, LevelBasis.Kept, $"{level} comes from the standard or the asset's design: statistics do not move it."));
                NoteIfReached(notes, level, threshold, currentBad, normal, worstFalse, sign, settings);
                previous = currentBad;
                continue;
            }

            var (basis, raw, reason) = Base(level, p, currentBad, normal, median, sign, percentiles);
            if (worstFalse is { } v && v >= raw)
            {
                raw = v + (Math.Abs(v) * band);
                basis = LevelBasis.BeyondFalseAlarm;
                reason = FormattableString.Invariant($"{Show(sign * v)} was the worst reading of {falseWithReadings} false alarm(s) and would still raise {level}: moved beyond it by the rule's dead-band ({band * 100:0.#} %).");
            }

            double suggestedBad;
            if (basis is LevelBasis.TooFewSamples or LevelBasis.FlatHistory)
            {
                suggestedBad = currentBad;
            }
            else
            {
                suggestedBad = JustAbove(Math.Max(raw, previous ?? double.MinValue), raw, median ?? raw);
            }

            if (previous is { } below && suggestedBad <= below)
            {
                // Unchanged by its own numbers, but the level below it moved past it.
                suggestedBad = JustAbove(below, below, median ?? below);
                reason += " Moved just beyond the level below it.";
            }

            if (NextKept(ladder, level, settings) is { } ceiling && suggestedBad >= sign * ceiling.Threshold)
            {
                levels.Add(new LevelSuggestion(level, threshold, null, LevelBasis.NoRoom,
                    FormattableString.Invariant($"{level} would have to be at {Show(sign * suggestedBad)}, at or past the {ceiling.Level} threshold ({Show(ceiling.Threshold)}), which statistics do not move: left out. Check the sensor, or the {ceiling.Level} threshold itself.")));
                continue;
            }

            levels.Add(new LevelSuggestion(level, threshold, sign * suggestedBad, basis, reason));
            previous = suggestedBad;
        }

        return new ThresholdSuggestion(
            current.RuleId, current.Metric, ladder.Direction, samples, normal.Count, falseAlarms, falseWithReadings, percentiles,
            worstFalse is { } wf ? sign * wf : null, levels, Candidate(current, levels), notes);
    }

    /// <summary>The value below which <paramref name="percentile"/> % of the sorted values lie, interpolated between ranks (Hyndman-Fan type 7, R's and numpy's default).</summary>
    public static double PercentileOf(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var h = (sorted.Count - 1) * percentile / 100;
        var lo = (int)Math.Floor(h);
        return lo >= sorted.Count - 1 ? sorted[^1] : sorted[lo] + ((h - lo) * (sorted[lo + 1] - sorted[lo]));
    }

    /// <summary>
    /// The smallest number of three significant figures strictly above <paramref name="floor"/> (the percentile itself
    /// must not meet the threshold); figures are counted on the larger of the value and the typical reading, so a
    /// threshold near zero is not given figures the sensor cannot resolve.
    /// </summary>
    internal static double JustAbove(double floor, double value, double typical)
    {
        var scale = Math.Max(Math.Max(Math.Abs(value), Math.Abs(floor)), Math.Abs(typical));
        if (scale == 0)
        {
            scale = 1;
        }

        var exponent = (int)Math.Floor(Math.Log10(scale)) - (SignificantDigits - 1);
        var step = Math.Pow(10, exponent);
        var digits = Math.Clamp(-exponent, 0, 15);
        var k = Math.Floor(floor / step);
        double above;
        do
        {
            // floor / step may land a hair either side of a whole number, so the rounded result is what is compared.
            above = Math.Round(++k * step, digits);
        }
        while (above <= floor);

        return above;
    }

    private static (LevelBasis Basis, double Raw, string Reason) Base(
        WarningLevel level, double p, double currentBad, List<double> normal, double? median, double sign, SortedDictionary<string, double> percentiles)
    {
        var label = "p" + p.ToString("0.###", CultureInfo.InvariantCulture);
        var needed = (int)Math.Ceiling(SuggestionSettings.SamplesBeyondPercentile / (1 - (p / 100)));
        if (normal.Count < needed)
        {
            return (LevelBasis.TooFewSamples, currentBad, FormattableString.Invariant($"{normal.Count} normal reading(s), {label} needs {needed}: unchanged."));
        }

        // Badness percentile p is the value percentile p of an above-rule and 100 - p of a below-rule.
        var q = PercentileOf(normal, p);
        percentiles[label] = sign * q;
        return q <= median
            ? (LevelBasis.FlatHistory, currentBad, $"Normal operation sits at {Show(sign * q)} up to {label}: no tail to place {level} by; unchanged.")
            : (LevelBasis.Percentile, q, $"{label} of normal operation is {Show(sign * q)}; {level} sits just beyond it.");
    }

    private static void NoteIfReached(
        List<string> notes, WarningLevel level, double threshold, double bad, List<double> normal, double? worstFalse, double sign, SuggestionSettings settings)
    {
        var top = settings.YellowPercentile;
        if (normal.Count > 0 && PercentileOf(normal, top) >= bad)
        {
            notes.Add($"Normal operation reaches the {level} threshold ({Show(threshold)}) at p{top.ToString("0.###", CultureInfo.InvariantCulture)}: look at the sensor or the threshold; statistics do not move it.");
        }

        if (worstFalse is { } v && v >= bad)
        {
            notes.Add($"A false alarm read {Show(sign * v)}, at or past the {level} threshold ({Show(threshold)}): statistics do not move it; look at the sensor.");
        }
    }

    private static (WarningLevel Level, double Threshold)? NextKept(ThresholdLadder ladder, WarningLevel level, SuggestionSettings settings)
    {
        for (var above = level + 1; above <= WarningLevel.Red; above++)
        {
            if (settings.PercentileOf(above) is null && ladder.ThresholdOf(above) is { } t)
            {
                return (above, t);
            }
        }

        return null;
    }

    private static ThresholdRuleDefinition? Candidate(ThresholdRuleDefinition current, List<LevelSuggestion> levels)
    {
        var kept = levels.Where(l => l.Suggested is not null).ToList();
        if (kept.Count == 0 || levels.All(l => l.Suggested == l.Current))
        {
            return null;
        }

        var ladder = current.Ladder;
        var ladderOut = new ThresholdLadder(
            ladder.Direction,
            kept.ToDictionary(l => l.Level, l => l.Suggested!.Value),
            ladder.ClearRatio,
            kept.ToDictionary(l => l.Level, l => ladder.ConfirmTime(l.Level)));
        return current with { Ladder = ladderOut };
    }

    /// <summary>The readings in [from, to] of a list sorted by time, as an index range [start, end).</summary>
    private static (int Start, int End) IndexRange(IReadOnlyList<HistoryValue> values, DateTimeOffset from, DateTimeOffset to)
    {
        return (FirstAtOrAfter(values, from), FirstAtOrAfter(values, to.AddTicks(1)));

        static int FirstAtOrAfter(IReadOnlyList<HistoryValue> values, DateTimeOffset at)
        {
            int lo = 0, hi = values.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (values[mid].At < at)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    private static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
