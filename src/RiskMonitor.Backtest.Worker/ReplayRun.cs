using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Storage.Influx;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Backtest.Worker;

/// <summary>
/// One backtest's reading and replay (docs/decisions/0043, 0057, 0066, 0068). Readers (InfluxDB, async I/O; one asset
/// in flight by default, more if the job says so) fill a small bounded queue asset by asset, in chunks, with the job's
/// pause after each query (none by default); replay threads empty it, replaying each series through the candidate and
/// the live rules side by side, and every finished asset goes to the server at once. The queue holds at most two series
/// per replay thread, so a job's memory is a few of its assets' columns whatever its size.
/// </summary>
internal sealed class ReplayRun(WorkerJob job, ISampleHistory history, Action<WorkerMessage> send, TimeProvider time)
{
    private readonly JsonRuleCatalog _candidate = JsonRuleCatalog.Parse(job.CandidateDocument, "candidate");
    private readonly JsonRuleCatalog _live = JsonRuleCatalog.Parse(job.LiveDocument, "live rules");

    public async Task RunAsync(CancellationToken token)
    {
        var queue = Channel.CreateBounded<AssetSeries>(new BoundedChannelOptions(2 * job.ReplayWorkers) { SingleWriter = job.QueriesInFlight <= 1 });
        var blocks = new ConcurrentBag<SampleBlock>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var workers = Enumerable.Range(0, job.ReplayWorkers)
            .Select(i => StartThread($"backtest-replay-{i}", () =>
            {
                try
                {
                    ReplayQueued(queue.Reader, blocks, stop.Token);
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
            // Each reader takes the next asset not yet taken; the replay does not need them in order (each reports its index).
            var next = -1;
            async Task ReadAssetsAsync()
            {
                try
                {
                    for (var index = Interlocked.Increment(ref next); index < job.Assets.Count; index = Interlocked.Increment(ref next))
                    {
                        var series = new AssetSeries(index, Definition(job.Assets[index]), []);
                        await history.ReadChunkedAsync(series.Asset.Id, FieldsOf(series.Asset), job.From, job.To, job.ChunkSamples, job.PauseBetweenQueries, long.MaxValue,
                            () => blocks.TryTake(out var reused) ? reused : new SampleBlock(),
                            block =>
                            {
                                send(new QueryDone(block.QueryTime.TotalSeconds, block.ParseTime.TotalSeconds));
                                series.Chunks.Add(block);
                            },
                            time, stop.Token);
                        await queue.Writer.WriteAsync(series, stop.Token);
                        // Between assets too: a day of an asset is one query.
                        await Task.Delay(job.PauseBetweenQueries, time, stop.Token);
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    await stop.CancelAsync(); // the other readers stop too
                    throw;
                }
            }

            var readers = Enumerable.Range(0, Math.Max(1, job.QueriesInFlight)).Select(_ => ReadAssetsAsync()).ToArray();
            try
            {
                await Task.WhenAll(readers);
            }
            catch (Exception) when (readers.FirstOrDefault(r => r.IsFaulted && r.Exception!.InnerException is not OperationCanceledException) is { } failed)
            {
                // One reader failed and the others were cancelled with it: report the failure, not a cancellation.
                ExceptionDispatchInfo.Capture(failed.Exception!.InnerException!).Throw();
            }

            queue.Writer.Complete();
        }
        catch (Exception)
        {
            // Cancelled, the reader failed, or a replay thread did and closed the queue: stop the others and wait for
            // them, then say what went wrong first: a replay thread's own exception rather than the closed queue the
            // reader saw.
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

    /// <summary>
    /// The fields the asset's replay can use: every metric the candidate's or the live rules for it can read; null (every
    /// field) when either does not know its set (decision 0067).
    /// </summary>
    private string[]? FieldsOf(AssetDefinition asset) =>
        (_candidate.MetricsOf(asset), _live.MetricsOf(asset)) is ({ } candidate, { } live) ? [.. candidate.Union(live, StringComparer.Ordinal)] : null;

    /// <summary>
    /// What the catalogs need to pick an asset's rules: its id (overrides, detector groups), kind and reporting interval.
    /// The rest of the definition (place, owner) does not change a replay.
    /// </summary>
    internal static AssetDefinition Definition(WorkerAsset asset) =>
        new(asset.Id, asset.Kind, asset.Id, "", Point.Empty, RiskColour.Blue, null, null, null, "", asset.ReportingInterval);

    /// <summary>A replay thread's loop: takes whole assets off the queue (an asset is replayed by one thread, in order) until it is completed.</summary>
    private void ReplayQueued(ChannelReader<AssetSeries> queue, ConcurrentBag<SampleBlock> blocks, CancellationToken token)
    {
        var row = new MetricValue[8];
        // Blocking here is intended: this is the replay's own thread in the worker's own process.
        while (queue.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
        {
            while (queue.TryRead(out var series))
            {
                var started = Stopwatch.GetTimestamp();
                var asset = series.Asset;
                var candidate = new BacktestReplay(asset.Id, _candidate.For(asset), job.From);
                var live = new BacktestReplay(asset.Id, _live.For(asset), job.From);
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

                    send(new BlockReplayed(block.Count));
                    blocks.Add(block);
                }

                send(new AssetReplayed(series.Index, candidate.Episodes, live.Episodes, Stopwatch.GetElapsedTime(started).TotalSeconds));
            }
        }

        token.ThrowIfCancellationRequested();
    }

    private static Task StartThread(string name, Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Scheduling.LowerThisThread();
            try
            {
                work();
                done.SetResult();
            }
            catch (OperationCanceledException cancelled)
            {
                done.SetCanceled(cancelled.CancellationToken);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>One asset's stored series as read, on its way to a replay thread.</summary>
    private sealed record AssetSeries(int Index, AssetDefinition Asset, List<SampleBlock> Chunks);
}
