using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Influx;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules;

/// <summary>
/// Backtests as background jobs on the node that took them (docs/decisions/0043): one job reads InfluxDB at a time,
/// in chunks of <see cref="BacktestOptions.ChunkSamples"/> readings with a pause between queries, so a week of a
/// thousand assets never crowds out the writer of live readings; each asset's series is replayed through the candidate
/// and the live rules side by side and compared with the alerts the ledger holds for it.
/// </summary>
internal sealed class BacktestJobs(
    ISampleHistory history, IAlertStore alerts, RuleManager rules, FlapPolicy flapPolicy, IOptions<BacktestOptions> options, TimeProvider time,
    ILogger<BacktestJobs> logger)
{
    private readonly ConcurrentDictionary<string, BacktestJob> _jobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reader = new(1, 1);

    public BacktestOptions Options => options.Value;

    public BacktestJob? Find(string jobId) => _jobs.GetValueOrDefault(jobId);

    public BacktestJob Start(JsonRuleCatalog candidate, IReadOnlyList<AssetDefinition> assets, DateTimeOffset from, DateTimeOffset to, string author)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(assets);
        ForgetOldJobs();
        // The live rules as they are now: a change made while the job runs does not move the yardstick halfway through.
        var job = new BacktestJob($"bt-{Guid.CreateVersion7():N}", author, rules.Catalog.Version, candidate, rules.Catalog.Catalog, assets, from, to, time.GetUtcNow());
        _jobs[job.JobId] = job;
        job.Run = Task.Run(() => RunAsync(job));
        BacktestLog.Started(logger, job.JobId, author, assets.Count, from, to);
        return job;
    }

    private async Task RunAsync(BacktestJob job)
    {
        var token = job.Cancellation.Token;
        try
        {
            await _reader.WaitAsync(token);
            try
            {
                job.Status = BacktestStatus.Running;
                foreach (var asset in job.Assets)
                {
                    job.Add(await ReplayAssetAsync(job, asset, token));
                }
            }
            finally
            {
                _reader.Release();
            }

            job.Finish(BacktestStatus.Completed, null, time.GetUtcNow());
            BacktestLog.Finished(logger, job.JobId, job.Status, job.SamplesReplayed);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            job.Finish(BacktestStatus.Cancelled, null, time.GetUtcNow());
            BacktestLog.Finished(logger, job.JobId, job.Status, job.SamplesReplayed);
        }
        catch (Exception ex)
        {
            // A store that does not answer ends the job with what it says; live alerting is not touched.
            job.Finish(BacktestStatus.Failed, ex.Message, time.GetUtcNow());
            BacktestLog.Failed(logger, ex, job.JobId);
        }
    }

    private async Task<AssetBacktest> ReplayAssetAsync(BacktestJob job, AssetDefinition asset, CancellationToken token)
    {
        var candidate = new BacktestReplay(asset.Id, job.Candidate.For(asset), job.From);
        var live = new BacktestReplay(asset.Id, job.Live.For(asset), job.From);
        await ReadHistoryAsync(asset.Id, job.From, job.To, long.MaxValue, samples =>
        {
            foreach (var sample in samples)
            {
                candidate.Apply(sample.At, sample.Values);
                live.Apply(sample.At, sample.Values);
            }

            job.CountSamples(samples.Count);
        }, token);

        var real = await LedgerAlertsAsync(asset.Id, job.From, job.To, token);
        return new AssetBacktest(
            asset.Id, BacktestCounts.MarkFlapping(candidate.Episodes, flapPolicy), BacktestCounts.MarkFlapping(live.Episodes, flapPolicy), real);
    }

    /// <summary>The ledger's alerts of the asset raised in the range, of the rules a replay can judge (not silence, events or geofences).</summary>
    private async Task<IReadOnlyList<LedgerAlert>> LedgerAlertsAsync(string assetId, DateTimeOffset from, DateTimeOffset to, CancellationToken token) =>
        [.. (await AlertsRaisedAsync(alerts, assetId, from, to, token))
            .Where(a => a.RuleId != OfflineRuleDefinition.RuleIdValue && !a.RuleId.StartsWith("event.", StringComparison.Ordinal) && !a.RuleId.StartsWith("geofence.", StringComparison.Ordinal))
            .Select(a => new LedgerAlert(a.AlertId, a.AssetId, a.RuleId, a.RaisedAt, a.Severity, a.Cause))];

    /// <summary>Every alert of the asset the ledger holds raised in [from, to], page by page.</summary>
    internal static async Task<IReadOnlyList<AlertView>> AlertsRaisedAsync(IAlertStore alerts, string assetId, DateTimeOffset from, DateTimeOffset to, CancellationToken token)
    {
        const int Page = 500;
        var found = new List<AlertView>();
        for (var offset = 0; ; offset += Page)
        {
            var page = await alerts.QueryAsync(new AlertQuery(AssetId: assetId, RaisedFrom: from, RaisedTo: to, Offset: offset, Limit: Page), token);
            found.AddRange(page.Items);
            if (page.Items.Count < Page)
            {
                return found;
            }
        }
    }

    /// <summary>
    /// Reads an asset's stored readings in [from, to), oldest first, in queries of <see cref="BacktestOptions.ChunkSamples"/>
    /// with <see cref="BacktestOptions.PauseBetweenQueries"/> between them, handing each chunk to <paramref name="take"/>;
    /// stops after <paramref name="limit"/> readings. Returns how many were read.
    /// </summary>
    internal async Task<long> ReadHistoryAsync(
        string assetId, DateTimeOffset from, DateTimeOffset to, long limit, Action<IReadOnlyList<StoredSample>> take, CancellationToken token)
    {
        var chunk = options.Value.ChunkSamples;
        long read = 0;
        while (from < to && read < limit)
        {
            var samples = await history.ReadSamplesAsync(assetId, from, to, (int)Math.Min(chunk, limit - read), token);
            take(samples);
            read += samples.Count;
            if (samples.Count < chunk)
            {
                break;
            }

            // The next chunk starts after the last time read; InfluxDB keeps one point per asset and time.
            from = samples[^1].At.AddMilliseconds(1);
            await Task.Delay(options.Value.PauseBetweenQueries, time, token);
        }

        return read;
    }

    /// <summary>
    /// Runs a read of stored readings as a backtest's is run: one reader of InfluxDB at a time on this node (threshold
    /// suggestions read through here too, docs/decisions/0055), so live ingestion competes with one history reader at most.
    /// </summary>
    internal async Task<T> ReadExclusivelyAsync<T>(Func<Task<T>> read, CancellationToken token)
    {
        await _reader.WaitAsync(token);
        try
        {
            return await read();
        }
        finally
        {
            _reader.Release();
        }
    }

    private void ForgetOldJobs()
    {
        foreach (var old in _jobs.Values.Where(j => j.Status is not (BacktestStatus.Queued or BacktestStatus.Running))
                     .OrderByDescending(j => j.StartedAt).Skip(options.Value.JobsKept - 1))
        {
            _jobs.TryRemove(old.JobId, out _);
            old.Cancellation.Dispose();
        }
    }
}

internal enum BacktestStatus
{
    Queued,
    Running,
    Completed,
    Cancelled,
    Failed,
}

/// <summary>One asset's outcome: the candidate's alarms and the live rules' on the same series, and the alerts the ledger holds.</summary>
internal sealed record AssetBacktest(string AssetId, IReadOnlyList<BacktestEpisode> CandidateAlarms, IReadOnlyList<BacktestEpisode> LiveAlarms, IReadOnlyList<LedgerAlert> Real);

/// <summary>A backtest in progress or done; read by the API while the job writes it.</summary>
internal sealed class BacktestJob(
    string jobId, string author, long liveVersion, JsonRuleCatalog candidate, JsonRuleCatalog live, IReadOnlyList<AssetDefinition> assets,
    DateTimeOffset from, DateTimeOffset to, DateTimeOffset startedAt)
{
    private readonly Lock _gate = new();
    private readonly List<AssetBacktest> _done = [];
    private long _samples;

    public string JobId => jobId;

    public string Author => author;

    public long LiveVersion => liveVersion;

    public JsonRuleCatalog Candidate => candidate;

    public JsonRuleCatalog Live => live;

    public IReadOnlyList<AssetDefinition> Assets => assets;

    public DateTimeOffset From => from;

    public DateTimeOffset To => to;

    public DateTimeOffset StartedAt => startedAt;

    public DateTimeOffset? FinishedAt { get; private set; }

    private volatile BacktestStatus _status;

    public BacktestStatus Status
    {
        get => _status;
        internal set => _status = value;
    }

    public string? Error { get; private set; }

    public CancellationTokenSource Cancellation { get; } = new();

    internal Task Run { get; set; } = Task.CompletedTask;

    public long SamplesReplayed => Interlocked.Read(ref _samples);

    public IReadOnlyList<AssetBacktest> Done
    {
        get
        {
            lock (_gate)
            {
                return [.. _done];
            }
        }
    }

    internal void CountSamples(int count) => Interlocked.Add(ref _samples, count);

    internal void Add(AssetBacktest result)
    {
        lock (_gate)
        {
            _done.Add(result);
        }
    }

    internal void Finish(BacktestStatus status, string? error, DateTimeOffset at)
    {
        Error = error;
        FinishedAt = at;
        Status = status;
    }
}

/// <summary>Configuration section <c>Rules:Backtest</c>; the reasoning behind the numbers is in docs/decisions/0043.</summary>
internal sealed class BacktestOptions
{
    public const string SectionName = "Rules:Backtest";

    /// <summary>Readings per InfluxDB query: about 12 h of one asset at 5 s, a few hundred KB of JSON.</summary>
    [Range(100, 100_000)] public int ChunkSamples { get; set; } = 10_000;

    /// <summary>Rest between queries, so a backtest's reads leave InfluxDB to the live writer between them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan PauseBetweenQueries { get; set; } = TimeSpan.FromMilliseconds(20);

    [Range(1, 100_000)] public int MaxAssets { get; set; } = 1000;

    [Range(typeof(TimeSpan), "00:01:00", "92.00:00:00")] public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(31);

    /// <summary>A real alert and an alarm of the replay are the same event when raised within this of each other.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan MatchWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Finished jobs kept for reading on this node; older ones are forgotten.</summary>
    [Range(1, 1000)] public int JobsKept { get; set; } = 20;
}
