using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Suggestions;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Rules.Suggestions;

/// <summary>Threshold suggestions from history and false alarms, with their backtest (docs/decisions/0055).</summary>
internal static class SuggestionEndpoints
{
    public static RouteHandlerBuilder MapSuggestionEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/rules/suggestions", Suggest).WithTags("Rules").WithName("SuggestThresholds").RequireAuthorization(Policies.Supervise)
            .WithSummary("Suggests the blue and yellow thresholds of one threshold rule (ruleId) of an asset (assetId) or a kind, from the percentiles of its readings from `from` to `to` outside real alerts and the readings of alerts closed as false alarms; orange and red are not moved. Answers with the candidate document (the given document, default the live rules, with the suggestion written in) and a backtest job of it against the live rules. Applies nothing: send the document with PUT /api/rules to apply it.");

    private static async Task<Results<Ok<ThresholdSuggestionView>, ValidationProblem, ProblemHttpResult>> Suggest(
        SuggestionRequest request, ThresholdSuggestions suggestions, BacktestJobs backtests, RuleManager rules, IAssetRegistry registry, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var document = rules.Catalog.Document;
        var catalog = rules.Catalog.Catalog;
        if (request.Document is not null)
        {
            var (parsed, error) = RuleManager.Validate(request.Document);
            if (parsed is null)
            {
                errors["document"] = [error!];
            }
            else
            {
                (document, catalog) = (request.Document, parsed);
            }
        }

        var limits = backtests.Options;
        var to = request.To ?? time.GetUtcNow();
        var from = request.From ?? to.AddDays(-7);
        if (from >= to || to - from > limits.MaxRange)
        {
            errors["from"] = [$"Give from before to, at most {limits.MaxRange.TotalDays:0.#} days apart."];
        }

        var settings = new SuggestionSettings(request.BluePercentile ?? 99, request.YellowPercentile ?? 99.9);
        if (settings.Problem() is { } wrong)
        {
            errors["bluePercentile"] = [wrong];
        }

        SuggestionScope? scope = null;
        if (string.IsNullOrWhiteSpace(request.RuleId))
        {
            errors["ruleId"] = ["Name the threshold rule (e.g. ch4_lel.high)."];
        }
        else if (request.AssetId is { Length: > 0 } assetId)
        {
            if (!registry.TryGet(assetId, out var asset))
            {
                errors["assetId"] = [$"No asset '{assetId}' in the registry."];
            }
            else
            {
                scope = Scope(catalog.For(asset), request.RuleId, asset.Kind, asset.Id, [asset], errors);
            }
        }
        else if (request.Kind is { Length: > 0 } kind)
        {
            List<AssetDefinition> assets = [.. registry.All.Where(a => string.Equals(a.Kind, kind, StringComparison.Ordinal))];
            if (assets.Count == 0 || catalog.ForKind(kind) is not { } kindRules)
            {
                errors["kind"] = [$"No asset of kind '{kind}', or no rules for it."];
            }
            else if (assets.Count > limits.MaxAssets)
            {
                errors["kind"] = [$"At most {limits.MaxAssets} assets per suggestion, not {assets.Count}."];
            }
            else
            {
                scope = Scope(kindRules, request.RuleId, kind, null, assets, errors);
            }
        }
        else
        {
            errors["assetId"] = ["Name an asset (assetId) or a kind."];
        }

        if (string.IsNullOrWhiteSpace(request.Author))
        {
            errors["author"] = ["Name the person asking."];
        }

        if (errors.Count > 0 || scope is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var outcome = await suggestions.SuggestAsync(scope, document, catalog, from.ToUniversalTime(), to.ToUniversalTime(), settings, request.Author!.Trim(), cancellationToken);
            return TypedResults.Ok(ThresholdSuggestionView.Of(outcome, scope, backtests.Options.MatchWindow));
        }
        catch (HttpRequestException ex)
        {
            return TypedResults.Problem(title: "The reading history is unavailable", detail: $"InfluxDB did not answer: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static SuggestionScope? Scope(
        RuleSet rules, string ruleId, string kind, string? assetId, IReadOnlyList<AssetDefinition> assets, Dictionary<string, string[]> errors)
    {
        var rule = rules.Thresholds.FirstOrDefault(t => string.Equals(t.RuleId, ruleId, StringComparison.Ordinal));
        if (rule is null)
        {
            errors["ruleId"] = [$"No threshold rule '{ruleId}' for {(assetId is null ? "kind " + kind : assetId)}: one of {string.Join(", ", rules.Thresholds.Select(t => t.RuleId))}."];
            return null;
        }

        return new SuggestionScope(rule, kind, assetId, assets);
    }
}

/// <param name="RuleId">The threshold rule whose early levels are suggested.</param>
/// <param name="AssetId">One asset (the suggestion becomes its override); or <paramref name="Kind"/>: every asset of the kind (written into the kind).</param>
/// <param name="Document">The document to write the suggestion into and backtest; default: the live rules.</param>
/// <param name="From">Default: seven days before <paramref name="To"/>.</param>
internal sealed record SuggestionRequest(
    string? RuleId, string? AssetId, string? Kind, DateTimeOffset? From, DateTimeOffset? To, string? Document, double? BluePercentile, double? YellowPercentile,
    string? Author) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Author = actor };
}

/// <param name="Document">The candidate document with the suggestion written in; null when nothing would change.</param>
/// <param name="Backtest">The backtest of <paramref name="Document"/> against the live rules (poll GET /api/rules/backtests/{jobId}).</param>
internal sealed record ThresholdSuggestionView(
    string RuleId, string Metric, string Direction, string Kind, string? AssetId, int Assets, int Samples, int NormalSamples, int FalseAlarms,
    int FalseAlarmsWithReadings, IReadOnlyDictionary<string, double> Percentiles, double? WorstFalseAlarmValue, IReadOnlyList<LevelSuggestionView> Levels,
    IReadOnlyList<string> Notes, string? Document, BacktestView? Backtest)
{
    public static ThresholdSuggestionView Of(SuggestionOutcome outcome, SuggestionScope scope, TimeSpan matchWindow)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(scope);
        var s = outcome.Suggestion;
        return new ThresholdSuggestionView(
            s.RuleId, s.Metric, s.Direction.ToString().ToLowerInvariant(), scope.Kind, scope.AssetId, scope.Assets.Count, s.Samples, s.NormalSamples,
            s.FalseAlarms, s.FalseAlarmsWithReadings, s.Percentiles, s.WorstFalseAlarmValue,
            [.. s.Levels.Select(l => new LevelSuggestionView(l.Level.ToString().ToLowerInvariant(), l.Current, l.Suggested, Basis(l.Basis), l.Reason))],
            s.Notes, outcome.CandidateDocument, outcome.Backtest is { } job ? BacktestView.Of(job, matchWindow) : null);
    }

    private static string Basis(LevelBasis basis) => basis switch
    {
        LevelBasis.Kept => "kept",
        LevelBasis.Percentile => "percentile",
        LevelBasis.BeyondFalseAlarm => "beyond_false_alarm",
        LevelBasis.TooFewSamples => "too_few_samples",
        LevelBasis.FlatHistory => "flat_history",
        _ => "no_room",
    };
}

/// <param name="Suggested">Null: the level is left out of the candidate (no room below the next kept level).</param>
internal sealed record LevelSuggestionView(string Level, double Current, double? Suggested, string Basis, string Reason);
