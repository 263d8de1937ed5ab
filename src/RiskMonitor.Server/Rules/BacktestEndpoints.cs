using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Rules;

/// <summary>Backtests of a candidate rule document over stored readings, as background jobs (docs/decisions/0043).</summary>
internal static class BacktestEndpoints
{
    public static RouteGroupBuilder MapBacktestEndpoints(this IEndpointRouteBuilder routes)
    {
        var backtests = routes.MapGroup("/api/rules/backtests").WithTags("Rules").RequireAuthorization(Policies.Supervise);
        backtests.MapPost("/", Start).WithName("StartBacktest")
            .WithSummary("Replays the stored readings of the given assets (assetIds, or every asset of a kind) from `from` to `to` through the candidate document (default: the live rules) and the live rules, and compares both with the alerts actually raised. Runs in the background: poll the job.");
        backtests.MapGet("/{jobId}", Get).WithName("GetBacktest").WithSummary("Progress, and the result so far (whole once completed).");
        backtests.MapPost("/{jobId}/cancel", Cancel).WithName("CancelBacktest");
        return backtests;
    }

    private static Results<Accepted<BacktestView>, ValidationProblem> Start(
        BacktestRequest request, BacktestJobs jobs, RuleManager rules, IAssetRegistry registry, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        var candidate = request.Document ?? rules.Catalog.Document;
        if (request.Document is not null && RuleManager.Validate(request.Document) is (null, var error))
        {
            errors["document"] = [error!];
        }

        var limits = jobs.Options;
        var to = request.To ?? time.GetUtcNow();
        var from = request.From ?? to.AddDays(-1);
        if (from >= to || to - from > limits.MaxRange)
        {
            errors["from"] = [$"Give from before to, at most {limits.MaxRange.TotalDays:0.#} days apart."];
        }

        List<AssetDefinition> assets = [];
        if (request.AssetIds is { Count: > 0 } ids)
        {
            var unknown = ids.Where(id => id is null || !registry.TryGet(id, out _)).Take(5).ToList();
            if (unknown.Count > 0)
            {
                errors["assetIds"] = [$"Not in the registry: {string.Join(", ", unknown)}."];
            }
            else
            {
                assets = [.. ids.Distinct(StringComparer.Ordinal).Select(id => registry.TryGet(id, out var a) ? a : null!)];
            }
        }
        else if (request.Kind is { Length: > 0 } kind)
        {
            assets = [.. registry.All.Where(a => string.Equals(a.Kind, kind, StringComparison.Ordinal))];
            if (assets.Count == 0)
            {
                errors["kind"] = [$"No asset of kind '{kind}'."];
            }
        }
        else
        {
            errors["assetIds"] = ["Name the assets (assetIds) or a kind to replay."];
        }

        if (assets.Count > limits.MaxAssets)
        {
            errors["assetIds"] = [$"At most {limits.MaxAssets} assets per backtest, not {assets.Count}."];
        }

        if (string.IsNullOrWhiteSpace(request.Author))
        {
            errors["author"] = ["Name the person running the backtest."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var job = jobs.Start(candidate, assets, from.ToUniversalTime(), to.ToUniversalTime(), request.Author!.Trim());
        return TypedResults.Accepted($"/api/rules/backtests/{job.JobId}", BacktestView.Of(job, jobs.Options.MatchWindow));
    }

    private static Results<Ok<BacktestView>, ProblemHttpResult> Get(string jobId, BacktestJobs jobs) =>
        jobs.Find(jobId) is { } job
            ? TypedResults.Ok(BacktestView.Of(job, jobs.Options.MatchWindow))
            : Problems.NotFound("Unknown backtest", $"No backtest '{jobId}' on this node (jobs live on the node that started them).");

    private static async Task<Results<Ok<BacktestView>, ProblemHttpResult>> Cancel(string jobId, BacktestJobs jobs)
    {
        if (jobs.Find(jobId) is not { } job)
        {
            return Problems.NotFound("Unknown backtest", $"No backtest '{jobId}' on this node.");
        }

        if (job.Status is BacktestStatus.Queued or BacktestStatus.Running)
        {
            await job.Cancellation.CancelAsync();
        }

        return TypedResults.Ok(BacktestView.Of(job, jobs.Options.MatchWindow));
    }
}

/// <param name="Document">The candidate rule document (the rule file's format); none: the live rules.</param>
/// <param name="AssetIds">The assets to replay; or <paramref name="Kind"/>: every asset of that kind.</param>
/// <param name="From">Default: one day before <paramref name="To"/>.</param>
/// <param name="To">Default: now.</param>
internal sealed record BacktestRequest(string? Document, IReadOnlyList<string>? AssetIds, string? Kind, DateTimeOffset? From, DateTimeOffset? To, string? Author)
    : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Author = actor };
}

/// <summary>
/// A backtest as the API shows it. <see cref="Difference"/> is candidate minus live; each comparison matches the
/// alarms with the alerts the ledger holds for the same assets and range. <see cref="Timings"/> says where the job's
/// time went (InfluxDB, parsing, replay, ledger), so a slow backtest can be told apart from a slow store.
/// </summary>
internal sealed record BacktestView(
    string JobId, string Status, string Author, long LiveVersion, DateTimeOffset From, DateTimeOffset To, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, string? Error, int AssetsTotal, int AssetsDone, long SamplesReplayed,
    BacktestCounts Candidate, BacktestCounts Live, BacktestCounts Difference, DetectionComparison CandidateVsLedger, DetectionComparison LiveVsLedger,
    IReadOnlyList<AssetBacktestView> Assets, BacktestTimings Timings)
{
    /// <summary>Assets listed with their own numbers, those whose alarms differ most first.</summary>
    public const int MaxListedAssets = 200;

    public static BacktestView Of(BacktestJob job, TimeSpan matchWindow)
    {
        ArgumentNullException.ThrowIfNull(job);
        var done = job.Done;
        var candidateAlarms = done.SelectMany(a => a.CandidateAlarms).ToList();
        var liveAlarms = done.SelectMany(a => a.LiveAlarms).ToList();
        var real = done.SelectMany(a => a.Real).ToList();
        var candidate = BacktestCounts.Of(candidateAlarms);
        var live = BacktestCounts.Of(liveAlarms);
        return new BacktestView(
            job.JobId, job.Status.ToString().ToLowerInvariant(), job.Author, job.LiveVersion, job.From, job.To, job.StartedAt, job.FinishedAt, job.Error,
            job.Assets.Count, done.Count, job.SamplesReplayed, candidate, live, candidate.Minus(live),
            DetectionComparison.Of(candidateAlarms, real, matchWindow), DetectionComparison.Of(liveAlarms, real, matchWindow),
            [.. done.Select(a => new AssetBacktestView(a.AssetId, BacktestCounts.Of(a.CandidateAlarms), BacktestCounts.Of(a.LiveAlarms), a.Real.Count))
                .OrderByDescending(a => Math.Abs(a.Candidate.Alarms - a.Live.Alarms)).ThenBy(a => a.AssetId, StringComparer.Ordinal).Take(MaxListedAssets)],
            job.Timings);
    }
}

internal sealed record AssetBacktestView(string AssetId, BacktestCounts Candidate, BacktestCounts Live, int RealAlerts);
