using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Domain.Rules.Suggestions;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Influx;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules.Suggestions;

/// <summary>
/// Threshold suggestions (issue 22 item 4, docs/decisions/0055): reads the rule's metric from InfluxDB for the assets
/// asked about and their alerts of the rule from the ledger, lets <see cref="ThresholdSuggester"/> place the early
/// levels, writes the result into a candidate document and starts a backtest of it against the live rules over the
/// same assets and range. Nothing is applied: the candidate goes through the rule-change flow like any edit.
/// </summary>
internal sealed class ThresholdSuggestions(IAlertStore alerts, BacktestJobs backtests, IOptions<SuggestionOptions> options)
{
    public SuggestionOptions Options => options.Value;

    public async Task<SuggestionOutcome> SuggestAsync(SuggestionScope scope, string document, JsonRuleCatalog catalog, DateTimeOffset from, DateTimeOffset to,
        SuggestionSettings settings, string author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(catalog);
        var (histories, truncated) = await backtests.ReadExclusivelyAsync(() => ReadAsync(scope, from, to, cancellationToken), cancellationToken);
        var suggestion = ThresholdSuggester.Suggest(scope.Rule, histories, settings);
        if (truncated)
        {
            suggestion = suggestion with
            {
                Notes = [.. suggestion.Notes, $"Only the first {options.Value.MaxSamples} readings were used (Rules:Suggestions:MaxSamples): name fewer assets or a shorter range for all of them."],
            };
        }

        if (suggestion.Candidate is not { } candidateRule)
        {
            return new SuggestionOutcome(suggestion, null, null);
        }

        var candidateDocument = RuleDocumentEdits.WithThreshold(document, candidateRule, scope.Kind, scope.AssetId);
        if (RuleManager.Validate(candidateDocument) is (null, var error))
        {
            // The suggester builds only ladders the rule engine accepts; a refusal here is a fault of this code.
            throw new InvalidOperationException("The suggested document does not parse: " + error);
        }

        var job = backtests.Start(candidateDocument, scope.Assets, from, to, author);
        return new SuggestionOutcome(suggestion, candidateDocument, job);
    }

    private async Task<(List<AssetHistory> Histories, bool Truncated)> ReadAsync(SuggestionScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken token)
    {
        var limits = options.Value;
        var metric = scope.Rule.Metric;
        var histories = new List<AssetHistory>(scope.Assets.Count);
        var raised = (await alerts.RaisedForAssetsAsync([.. scope.Assets.Select(a => a.Id)], from, to, token))
            .Where(a => string.Equals(a.RuleId, scope.Rule.RuleId, StringComparison.Ordinal))
            .ToLookup(a => a.AssetId, StringComparer.Ordinal);
        long total = 0;
        foreach (var asset in scope.Assets)
        {
            var values = new List<HistoryValue>();
            var block = new SampleBlock();
            total += await backtests.ReadHistoryAsync(asset.Id, [metric], from, to, limits.MaxSamples - total, () => block, chunk =>
            {
                if (chunk.FieldIndex(metric) is var field and >= 0)
                {
                    var column = chunk.Column(field);
                    for (var i = 0; i < column.Length; i++)
                    {
                        if (!double.IsNaN(column[i]))
                        {
                            values.Add(new HistoryValue(chunk.At(i), column[i]));
                        }
                    }
                }
            }, token);

            var spans = raised[asset.Id]
                .Select(a => new AlertSpan(
                    a.RaisedAt - limits.AlertPadding, (a.ClearedAt ?? to) + limits.AlertPadding,
                    string.Equals(a.Cause, LedgerAlert.FalseAlarmCause, StringComparison.Ordinal)))
                .ToList();
            histories.Add(new AssetHistory(asset.Id, values, spans));
            if (total >= limits.MaxSamples)
            {
                return (histories, true);
            }
        }

        return (histories, false);
    }
}

/// <summary>What a suggestion is about: one asset's rule (written as its override) or a kind's (written into the kind).</summary>
internal sealed record SuggestionScope(ThresholdRuleDefinition Rule, string Kind, string? AssetId, IReadOnlyList<AssetDefinition> Assets);

/// <summary>The suggestion; the candidate document and its backtest when it changes anything.</summary>
internal sealed record SuggestionOutcome(ThresholdSuggestion Suggestion, string? CandidateDocument, BacktestJob? Backtest);

/// <summary>Configuration section <c>Rules:Suggestions</c> (docs/decisions/0055).</summary>
internal sealed class SuggestionOptions
{
    public const string SectionName = "Rules:Suggestions";

    /// <summary>
    /// Readings held for one suggestion: two million are 32 MB and a few seconds of InfluxDB queries; a kind of a
    /// hundred assets for four days at 5 s.
    /// </summary>
    [Range(1000, 50_000_000)] public int MaxSamples { get; set; } = 2_000_000;

    /// <summary>
    /// How far either side of an alert's raise and clear its readings belong to it: the raise is the server's time,
    /// the readings carry the device's, and a level is confirmed up to its confirm time after the reading that began it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan AlertPadding { get; set; } = TimeSpan.FromMinutes(2);
}
