using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using RiskMonitor.Backtest.Worker;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Server.Platform.Scheduling;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Rules;

/// <summary>
/// Backtests as background jobs on the node that took them (docs/decisions/0043, 0057, 0066). The reading and the replay
/// run in a worker process of their own (<see cref="BacktestWorkerProcess"/>), below live work in the OS scheduler: the
/// server's collections and caches never wait for a replay, and a replay can be given a core only when no live thread
/// wants one, which a thread inside the server could not (decision 0065). The server keeps the job: it hands the worker
/// the rule documents, assets and range, reads each replayed asset's alerts from the ledger as the worker reports it, and
/// answers the API. One job reads InfluxDB at a time on a node. That bookkeeping runs on a thread of its own
/// (<see cref="NormalClassThread"/>), which in a real-time server sits in the normal class, below the live path: started
/// on the pool, a job's first seconds (its ledger read, the worker's start, the first parse of its messages and the
/// code compiled for them) ran at the live path's own priority (decision 0070).
/// </summary>
internal sealed class BacktestJobs(
    ISampleHistory history, IAlertStore alerts, RuleManager rules, FlapPolicy flapPolicy, IOptions<BacktestOptions> options,
    IOptions<InfluxOptions> influx, NormalClassThread follower, TimeProvider time, ILogger<BacktestJobs> logger)
{
    private readonly ConcurrentDictionary<string, BacktestJob> _jobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reader = new(1, 1);

    public BacktestOptions Options => options.Value;

    public BacktestJob? Find(string jobId) => _jobs.GetValueOrDefault(jobId);

    /// <param name="candidateDocument">The candidate rule document, already checked (<see cref="RuleManager.Validate"/>): the worker parses it.</param>
    public BacktestJob Start(string candidateDocument, IReadOnlyList<AssetDefinition> assets, DateTimeOffset from, DateTimeOffset to, string author)
    {
        ArgumentNullException.ThrowIfNull(candidateDocument);
        ArgumentNullException.ThrowIfNull(assets);
        ForgetOldJobs();
        // The live rules as they are now: a change made while the job runs does not move the yardstick halfway through.
        var live = rules.Catalog;
        var job = new BacktestJob($"bt-{Guid.CreateVersion7():N}", author, live.Version, candidateDocument, live.Document, assets, from, to, time.GetUtcNow());
        _jobs[job.JobId] = job;
        job.Run = follower.Start(() => RunAsync(job));
        BacktestLog.Started(logger, job.JobId, author, assets.Count, from, to);
        if (follower.MoveError is { } error)
        {
            BacktestLog.FollowerNotMoved(logger, job.JobId, error);
        }
        return job;
    }

    private async Task RunAsync(BacktestJob job)
    {
        var token = job.Cancellation.Token;
        var wall = Stopwatch.StartNew();
        try
        {
            await _reader.WaitAsync(token);
            try
            {
                job.Status = BacktestStatus.Running;
                await RunWorkerAsync(job, token);
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
            // A store that does not answer, or a worker that died, ends the job with what it says; live alerting is not touched.
            job.Finish(BacktestStatus.Failed, ex.Message, time.GetUtcNow());
            BacktestLog.Failed(logger, ex, job.JobId);
        }

        var timings = job.Timings;
        BacktestLog.Timed(logger, job.JobId, wall.Elapsed.TotalSeconds, timings.QuerySeconds, timings.ParseSeconds, timings.ReplaySeconds, timings.LedgerSeconds, timings.Queries);
    }

    /// <summary>
    /// Reads the job's alerts from the ledger (one pass for every asset, docs/decisions/0067), then starts the job's
    /// worker and follows it: progress and timings as it reports them, and each asset it has replayed joined with that
    /// asset's alerts.
    /// </summary>
    private async Task RunWorkerAsync(BacktestJob job, CancellationToken token)
    {
        var settings = options.Value;
        var ledger = Stopwatch.GetTimestamp();
        var real = await LedgerAlertsAsync(alerts, job.Assets, job.From, job.To, token);
        job.CountLedger(Stopwatch.GetElapsedTime(ledger));
        var spec = new WorkerJob(
            job.JobId, job.CandidateDocument, job.LiveDocument, [.. job.Assets.Select(a => new WorkerAsset(a.Id, a.Kind, a.ReportingInterval))],
            job.From, job.To, influx.Value, settings.ChunkSamples, settings.PauseBetweenQueries, settings.ReplayWorkers, settings.Priority, settings.QueriesInFlight);
        await using var worker = await BacktestWorkerProcess.StartAsync(spec, line => BacktestLog.WorkerSaid(logger, job.JobId, line), token);
        await foreach (var message in worker.ReadAsync(token))
        {
            switch (message)
            {
                case WorkerStarted started:
                    BacktestLog.WorkerStarted(logger, job.JobId, worker.ProcessId, started.Scheduling);
                    break;
                case QueryDone query:
                    job.CountQuery(TimeSpan.FromSeconds(query.QuerySeconds), TimeSpan.FromSeconds(query.ParseSeconds));
                    break;
                case BlockReplayed block:
                    job.CountSamples(block.Samples);
                    break;
                case AssetReplayed asset when asset.Index >= 0 && asset.Index < job.Assets.Count:
                    var assetId = job.Assets[asset.Index].Id;
                    job.Add(asset.Index, new AssetBacktest(
                        assetId, BacktestCounts.MarkFlapping(asset.Candidate, flapPolicy), BacktestCounts.MarkFlapping(asset.Live, flapPolicy),
                        real.GetValueOrDefault(assetId, [])));
                    job.CountReplay(TimeSpan.FromSeconds(asset.ReplaySeconds));
                    break;
                case WorkerFinished:
                    return;
                case WorkerFailed failed:
                    throw new InvalidOperationException(failed.Error);
                default:
                    throw new InvalidDataException($"The backtest worker sent a message this server does not expect: {message}.");
            }
        }

        token.ThrowIfCancellationRequested();
        throw new InvalidOperationException(await worker.EndedWithoutFinishingAsync());
    }

    /// <summary>
    /// The ledger's alerts of the assets raised in [from, to), by asset, oldest first: those of the rules a replay can
    /// judge (not silence, events or geofences).
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<LedgerAlert>>> LedgerAlertsAsync(
        IAlertStore alerts, IReadOnlyList<AssetDefinition> assets, DateTimeOffset from, DateTimeOffset to, CancellationToken token) =>
        (await alerts.RaisedForAssetsAsync([.. assets.Select(a => a.Id)], from, to, token))
            .Where(a => a.RuleId != OfflineRuleDefinition.RuleIdValue && !a.RuleId.StartsWith("event.", StringComparison.Ordinal) && !a.RuleId.StartsWith("geofence.", StringComparison.Ordinal))
            .GroupBy(a => a.AssetId, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                IReadOnlyList<LedgerAlert> (g) => [.. g.Select(a => new LedgerAlert(a.AlertId, a.AssetId, a.RuleId, a.RaisedAt, a.Severity, a.Cause))],
                StringComparer.Ordinal);

    /// <summary>
    /// Reads an asset's stored readings of <paramref name="fields"/> in [from, to), oldest first, as a backtest's worker
    /// does (chunks, pauses: <see cref="SampleHistoryChunks.ReadChunkedAsync"/>); stops after <paramref name="limit"/>
    /// readings. Returns how many were read.
    /// </summary>
    internal Task<long> ReadHistoryAsync(
        string assetId, IReadOnlyCollection<string> fields, DateTimeOffset from, DateTimeOffset to, long limit, Func<SampleBlock> blockFor, Action<SampleBlock> take, CancellationToken token) =>
        history.ReadChunkedAsync(assetId, fields, from, to, options.Value.ChunkSamples, options.Value.PauseBetweenQueries, limit, blockFor, take, time, token);

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
    string jobId, string author, long liveVersion, string candidateDocument, string liveDocument, IReadOnlyList<AssetDefinition> assets,
    DateTimeOffset from, DateTimeOffset to, DateTimeOffset startedAt)
{
    private readonly Lock _gate = new();
    private readonly AssetBacktest?[] _results = new AssetBacktest?[assets.Count];
    private int _done;
    private long _samples;
    private long _queries;
    private long _queryTicks;
    private long _parseTicks;
    private long _replayTicks;
    private long _ledgerTicks;

    public string JobId => jobId;

    public string Author => author;

    public long LiveVersion => liveVersion;

    /// <summary>The candidate rule document replayed.</summary>
    public string CandidateDocument => candidateDocument;

    /// <summary>The live rules' document when the job started: the yardstick.</summary>
    public string LiveDocument => liveDocument;

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

    /// <summary>The assets replayed so far, in the order they were asked for (replay threads finish them in any order).</summary>
    public IReadOnlyList<AssetBacktest> Done
    {
        get
        {
            lock (_gate)
            {
                var done = new List<AssetBacktest>(_done);
                foreach (var result in _results)
                {
                    if (result is not null)
                    {
                        done.Add(result);
                    }
                }

                return done;
            }
        }
    }

    /// <summary>Where the job's time went so far; replay time is summed over the replay threads.</summary>
    public BacktestTimings Timings => new(
        Seconds(ref _queryTicks), Seconds(ref _parseTicks), Seconds(ref _replayTicks), Seconds(ref _ledgerTicks), Interlocked.Read(ref _queries));

    internal void CountSamples(int count) => Interlocked.Add(ref _samples, count);

    internal void CountQuery(TimeSpan query, TimeSpan parse)
    {
        Interlocked.Increment(ref _queries);
        Interlocked.Add(ref _queryTicks, query.Ticks);
        Interlocked.Add(ref _parseTicks, parse.Ticks);
    }

    internal void CountReplay(TimeSpan replay) => Interlocked.Add(ref _replayTicks, replay.Ticks);

    internal void CountLedger(TimeSpan ledger) => Interlocked.Add(ref _ledgerTicks, ledger.Ticks);

    internal void Add(int index, AssetBacktest result)
    {
        lock (_gate)
        {
            _results[index] = result;
            _done++;
        }
    }

    private static double Seconds(ref long ticks) => Math.Round(TimeSpan.FromTicks(Interlocked.Read(ref ticks)).TotalSeconds, 3);

    internal void Finish(BacktestStatus status, string? error, DateTimeOffset at)
    {
        Error = error;
        FinishedAt = at;
        Status = status;
    }
}

/// <summary>Where a backtest's time went, in seconds: waiting on InfluxDB, parsing its answers, replaying (summed over the replay threads), reading the ledger.</summary>
internal sealed record BacktestTimings(double QuerySeconds, double ParseSeconds, double ReplaySeconds, double LedgerSeconds, long Queries);

/// <summary>Configuration section <c>Rules:Backtest</c>; the reasoning behind the numbers is in docs/decisions/0043.</summary>
internal sealed class BacktestOptions
{
    public const string SectionName = "Rules:Backtest";

    /// <summary>Readings per InfluxDB query: a day of one asset at 5 s (17,280) in one query, under 1 MB of JSON (decision 0057).</summary>
    [Range(100, 100_000)] public int ChunkSamples { get; set; } = 20_000;

    /// <summary>
    /// Rest after every query (also between assets). None by default: the 5 ms of decision 0057 left InfluxDB to the
    /// live writer between queries, but the live writer buffers and retries off the alert path, InfluxDB as run.sh
    /// starts it is idle-class as a whole, and with one query in flight the pauses were 5 s of idle on the path a job
    /// waits for (docs/decisions/0068). Set it for an InfluxDB that is shared with other work at normal priority.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan PauseBetweenQueries { get; set; } = TimeSpan.Zero;

    [Range(1, 100_000)] public int MaxAssets { get; set; } = 1000;

    /// <summary>
    /// Threads replaying a job's series in the worker; its InfluxDB reader runs beside them. One on a small node: the
    /// reader and InfluxDB take the other core (decision 0057). More on a node with cores to spare.
    /// </summary>
    [Range(1, 16)] public int ReplayWorkers { get; set; } = 1;

    /// <summary>
    /// Assets the worker reads from InfluxDB at once. One on a small node: two finished a job beside live load in
    /// 42-50 s rather than 41-66 s, but put the live p99 at 1.25-1.48x its figure without a backtest, against 1.02-1.13x
    /// with one (docs/decisions/0068; whole-run figures, which decision 0069 found flattering for both): idle-class work
    /// still costs live work on every core it occupies. More on a node with cores to spare.
    /// </summary>
    [Range(1, 8)] public int QueriesInFlight { get; set; } = 1;

    /// <summary>
    /// Where the worker process puts itself in the Linux scheduler: <c>Idle</c> (<c>SCHED_IDLE</c>: a core only when no
    /// live thread wants one; the default), <c>Lowest</c> (nice 19), <c>Normal</c> (to compare). Safe as idle in a
    /// process of its own; a replay thread inside the server was not (docs/decisions/0065, 0066).
    /// </summary>
    public WorkerPriority Priority { get; set; } = WorkerPriority.Idle;

    [Range(typeof(TimeSpan), "00:01:00", "92.00:00:00")] public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(31);

    /// <summary>A real alert and an alarm of the replay are the same event when raised within this of each other.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan MatchWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Finished jobs kept for reading on this node; older ones are forgotten.</summary>
    [Range(1, 1000)] public int JobsKept { get; set; } = 20;
}
