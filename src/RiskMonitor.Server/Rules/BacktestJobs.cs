using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
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
/// Backtests as background jobs on the node that took them (docs/decisions/0043, 0057). One job reads InfluxDB at a
/// time, in chunks of <see cref="BacktestOptions.ChunkSamples"/> readings with a pause between queries, so a week of a
/// thousand assets never crowds out the writer of live readings. Reading and replaying overlap: the reader hands each
/// asset's series, column by column, through a small bounded queue to <see cref="BacktestOptions.ReplayWorkers"/>
/// replay threads of their own, below live work in the OS scheduler (<see cref="BacktestThreads"/>), which replay it
/// through the candidate and the live rules side by side; the ledger's alerts of the asset are compared with both.
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
        var wall = Stopwatch.StartNew();
        try
        {
            await _reader.WaitAsync(token);
            try
            {
                job.Status = BacktestStatus.Running;
                await ReadAndReplayAsync(job, token);
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

        var timings = job.Timings;
        BacktestLog.Timed(logger, job.JobId, wall.Elapsed.TotalSeconds, timings.QuerySeconds, timings.ParseSeconds, timings.ReplaySeconds, timings.LedgerSeconds, timings.Queries);
    }

    /// <summary>
    /// The reader (this task: InfluxDB and the ledger, I/O) fills the queue asset by asset; the replay threads empty it.
    /// The queue holds at most two series per replay thread, so the reader runs ahead by that much and no further: a
    /// job's memory is a few of its assets' columns, whatever its size.
    /// </summary>
    private async Task ReadAndReplayAsync(BacktestJob job, CancellationToken token)
    {
        var settings = options.Value;
        var queue = Channel.CreateBounded<AssetSeries>(new BoundedChannelOptions(2 * settings.ReplayWorkers) { SingleWriter = true });
        var blocks = new ConcurrentBag<SampleBlock>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var workers = Enumerable.Range(0, settings.ReplayWorkers)
            .Select(i => BacktestThreads.Start($"backtest-replay-{i}", settings.ReplayNice, logger, () =>
            {
                try
                {
                    ReplayQueued(job, queue.Reader, blocks, stop.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    queue.Writer.TryComplete(ex); // the reader, waiting for room in the queue, learns of it at once
                    throw;
                }
            }))
            .ToArray();
        try
        {
            for (var index = 0; index < job.Assets.Count; index++)
            {
                var asset = job.Assets[index];
                var series = new AssetSeries(index, asset, []);
                await ReadHistoryAsync(asset.Id, job.From, job.To, long.MaxValue, () => blocks.TryTake(out var reused) ? reused : new SampleBlock(), block =>
                {
                    job.CountQuery(block.QueryTime, block.ParseTime);
                    series.Chunks.Add(block);
                }, stop.Token);
                var ledger = Stopwatch.GetTimestamp();
                series.Real = await LedgerAlertsAsync(asset.Id, job.From, job.To, stop.Token);
                job.CountLedger(Stopwatch.GetElapsedTime(ledger));
                await queue.Writer.WriteAsync(series, stop.Token);
                // Between assets too: a day of an asset is one query, and back to back they would keep InfluxDB busy.
                await Task.Delay(settings.PauseBetweenQueries, time, stop.Token);
            }

            queue.Writer.Complete();
        }
        catch (Exception)
        {
            // Cancelled, the reader failed, or a replay thread did and closed the queue: stop the others and wait for
            // them (nothing adds to the job after it is finished), then say what went wrong first: a replay thread's
            // own exception rather than the closed queue the reader saw.
            await stop.CancelAsync();
            queue.Writer.TryComplete();
            await Task.WhenAll(workers).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            if (!token.IsCancellationRequested && workers.FirstOrDefault(w => w.IsFaulted) is { } failed)
            {
                ExceptionDispatchInfo.Capture(failed.Exception!.InnerException!).Throw();
            }

            throw;
        }

        await Task.WhenAll(workers);
    }

    /// <summary>A replay thread's loop: takes whole assets off the queue (an asset is replayed by one thread, in order) until it is completed.</summary>
    private void ReplayQueued(BacktestJob job, ChannelReader<AssetSeries> queue, ConcurrentBag<SampleBlock> blocks, CancellationToken token)
    {
        var row = new MetricValue[8];
        // Blocking here is intended: this is the replay's own thread, not a pool or grain thread.
        while (queue.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
        {
            while (queue.TryRead(out var series))
            {
                var started = Stopwatch.GetTimestamp();
                var asset = series.Asset;
                var candidate = new BacktestReplay(asset.Id, job.Candidate.For(asset), job.From);
                var live = new BacktestReplay(asset.Id, job.Live.For(asset), job.From);
                foreach (var block in series.Chunks)
                {
                    token.ThrowIfCancellationRequested();
                    if (row.Length < block.Fields.Count)
                    {
                        row = new MetricValue[block.Fields.Count];
                    }

                    for (var i = 0; i < block.Count; i++)
                    {
                        var values = row.AsSpan(0, block.CopyRow(i, row));
                        var at = block.At(i);
                        candidate.Apply(at, values);
                        live.Apply(at, values);
                    }

                    job.CountSamples(block.Count);
                    blocks.Add(block);
                }

                job.Add(series.Index, new AssetBacktest(
                    asset.Id, BacktestCounts.MarkFlapping(candidate.Episodes, flapPolicy), BacktestCounts.MarkFlapping(live.Episodes, flapPolicy), series.Real));
                job.CountReplay(Stopwatch.GetElapsedTime(started));
            }
        }

        token.ThrowIfCancellationRequested();
    }

    /// <summary>One asset's stored series as read, on its way to a replay thread.</summary>
    private sealed record AssetSeries(int Index, AssetDefinition Asset, List<SampleBlock> Chunks)
    {
        public IReadOnlyList<LedgerAlert> Real { get; set; } = [];
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
    /// with <see cref="BacktestOptions.PauseBetweenQueries"/> between them, each into a block from <paramref name="blockFor"/>
    /// that is then handed to <paramref name="take"/>; stops after <paramref name="limit"/> readings. Returns how many were read.
    /// </summary>
    internal async Task<long> ReadHistoryAsync(
        string assetId, DateTimeOffset from, DateTimeOffset to, long limit, Func<SampleBlock> blockFor, Action<SampleBlock> take, CancellationToken token)
    {
        var chunk = options.Value.ChunkSamples;
        long read = 0;
        while (from < to && read < limit)
        {
            var block = blockFor();
            await history.ReadBlockAsync(assetId, from, to, (int)Math.Min(chunk, limit - read), block, token);
            var count = block.Count;
            // The next chunk starts after the last time read; InfluxDB keeps one point per asset and time.
            var next = count > 0 ? block.At(count - 1).AddMilliseconds(1) : to;
            take(block);
            read += count;
            if (count < chunk)
            {
                break;
            }

            from = next;
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
    /// Rest after every query (also between assets), so a backtest's reads leave InfluxDB to the live writer between
    /// them: 5 s over a thousand asset-days, against about 40 s of querying (decision 0057).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan PauseBetweenQueries { get; set; } = TimeSpan.FromMilliseconds(5);

    [Range(1, 100_000)] public int MaxAssets { get; set; } = 1000;

    /// <summary>
    /// Threads replaying a job's series; the InfluxDB reader runs beside them. One on a small node: the reader and
    /// InfluxDB take the other core, and live work keeps its share (decision 0057). More on a node with cores to spare.
    /// </summary>
    [Range(1, 16)] public int ReplayWorkers { get; set; } = 1;

    /// <summary>
    /// Linux nice value of the replay threads (0-19; 0 = as live work): the OS gives live threads the CPU first. 19,
    /// the lowest, and not <c>SCHED_IDLE</c>: the runtime's stop-the-world collections wait for every managed thread,
    /// and an idle-class replay thread got the CPU last, which doubled the live path's GC pauses (decision 0065).
    /// </summary>
    [Range(0, 19)] public int ReplayNice { get; set; } = 19;

    [Range(typeof(TimeSpan), "00:01:00", "92.00:00:00")] public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(31);

    /// <summary>A real alert and an alarm of the replay are the same event when raised within this of each other.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan MatchWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Finished jobs kept for reading on this node; older ones are forgotten.</summary>
    [Range(1, 1000)] public int JobsKept { get; set; } = 20;
}
