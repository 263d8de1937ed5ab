using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Groups;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Grains.Groups;

/// <summary>
/// How an asset grain tells its detector groups (decision 0050) its level and value without holding up the reading:
/// one report in flight per asset, the newest per group next, as the region reports go.
/// </summary>
internal sealed class GroupReporter(IGrainFactory grains, ILogger logger)
{
    private readonly Dictionary<string, DetectorReport> _due = new(StringComparer.Ordinal);
    private Task _sending = Task.CompletedTask;

    /// <summary>Queues a report to each group of the asset whose metric the sample carried.</summary>
    public void Report(string assetId, AssetEvaluator evaluator, DateTimeOffset sampledAt, ReadOnlySpan<MetricValue> values)
    {
        foreach (var group in evaluator.Rules.Groups)
        {
            foreach (var (metric, value) in values)
            {
                if (string.Equals(metric, group.Metric, StringComparison.Ordinal))
                {
                    _due[group.GroupId] = new DetectorReport(assetId, evaluator.UncappedLevelOf(group), value, sampledAt);
                    break;
                }
            }
        }

        if (_due.Count > 0 && _sending.IsCompleted)
        {
            _sending = SendAsync();
        }
    }

    private async Task SendAsync()
    {
        while (_due.Count > 0)
        {
            var (groupId, report) = _due.First();
            _due.Remove(groupId);
            try
            {
                await grains.GetGrain<IDetectorGroupGrain>(groupId).Report(report);
            }
            catch (Exception ex)
            {
                // The group is a second opinion, not the reading's record: the next sample reports again.
                GroupLog.ReportFailed(logger, ex, groupId, report.AssetId);
            }
        }
    }
}
