namespace RiskMonitor.Domain.Rules.Backtest;

/// <summary>An alert the live system actually raised (from the ledger), as a backtest compares with it.</summary>
/// <param name="Cause">The cause given on resolving it (<c>false_alarm</c> marks a false alarm), null if none yet.</param>
public sealed record LedgerAlert(string AlertId, string AssetId, string RuleId, DateTimeOffset RaisedAt, WarningLevel Severity, string? Cause)
{
    public const string FalseAlarmCause = "false_alarm";

    public bool WasFalseAlarm => string.Equals(Cause, FalseAlarmCause, StringComparison.Ordinal);
}

/// <summary>
/// How a replay's alarms line up with the alerts actually raised: each real alert is matched to the nearest unmatched
/// alarm of the same asset raised within the match window either side of it (any rule: a candidate may rename or
/// replace the rule that raised it). Time to detect is the alarm's raise minus the real one's, negative when earlier.
/// </summary>
public sealed record DetectionComparison(
    int RealAlerts, int Matched, int Missed, int Unmatched, int FalseAlarmsStillRaised, int FalseAlarmsAvoided,
    double? MedianSecondsToDetect, double? MeanSecondsToDetect)
{
    public static DetectionComparison Of(IReadOnlyList<BacktestEpisode> alarms, IReadOnlyList<LedgerAlert> real, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(alarms);
        ArgumentNullException.ThrowIfNull(real);
        var used = new HashSet<BacktestEpisode>(ReferenceEqualityComparer.Instance);
        var byAsset = alarms.ToLookup(a => a.AssetId, StringComparer.Ordinal);
        var deltas = new List<double>();
        int matched = 0, falseStill = 0, falseAvoided = 0;
        foreach (var alert in real.OrderBy(r => r.RaisedAt))
        {
            var nearest = byAsset[alert.AssetId]
                .Where(a => !used.Contains(a) && (a.RaisedAt - alert.RaisedAt).Duration() <= window)
                .OrderBy(a => (a.RaisedAt - alert.RaisedAt).Duration())
                .FirstOrDefault();
            if (nearest is null)
            {
                falseAvoided += alert.WasFalseAlarm ? 1 : 0;
                continue;
            }

            used.Add(nearest);
            matched++;
            falseStill += alert.WasFalseAlarm ? 1 : 0;
            deltas.Add((nearest.RaisedAt - alert.RaisedAt).TotalSeconds);
        }

        deltas.Sort();
        double? median = deltas.Count == 0 ? null
            : deltas.Count % 2 == 1 ? deltas[deltas.Count / 2] : (deltas[(deltas.Count / 2) - 1] + deltas[deltas.Count / 2]) / 2;
        return new DetectionComparison(
            real.Count, matched, real.Count - matched, alarms.Count - used.Count, falseStill, falseAvoided, median, deltas.Count == 0 ? null : deltas.Average());
    }
}
