using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace RiskMonitor.Storage.Influx;

/// <summary>
/// Batches readings into line protocol and posts them to InfluxDB. While InfluxDB is down, batches queue in an
/// on-disk spool (see docs/decisions/0003-influx-spool.md) and are replayed oldest first when it answers again.
/// </summary>
/// <remarks>
/// Two loops, so that a slow or dead InfluxDB never stalls the path that empties the memory buffer:
/// the drain loop cuts batches and either posts one (only while the spool is empty) or appends it to the spool;
/// the replay loop posts spool files, oldest first, with backoff. Only one post is ever in flight, and a batch is
/// posted directly only when nothing older is waiting on disk, so InfluxDB receives batches in the order they were cut.
/// Talking to InfluxDB is <see cref="InfluxHttpApi"/>'s job, the files on disk <see cref="InfluxSpool"/>'s, the figures
/// <see cref="InfluxWriterCounters"/>'; this class is the buffer, the batching and the order.
/// </remarks>
internal sealed class InfluxReadingWriter : IReadingWriter, IAsyncDisposable
{
    public const string HttpClientName = "RiskMonitor.Influx";

    // A full spool drops a batch every flush interval; one error line per half minute is loud enough to page on
    // without burying every other log line.
    private static readonly TimeSpan SpoolFullLogInterval = TimeSpan.FromSeconds(30);

    private readonly InfluxOptions _options;
    private readonly InfluxHttpApi _api;
    private readonly InfluxWriterCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<string> _buffer;
    // Wakes the replay loop when a batch is spooled; capacity 1 because one pending wake-up is as good as many.
    private readonly Channel<bool> _replaySignal =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _replayStop = new();
    private readonly CancellationTokenSource _flushDeadline = new();
    private readonly Lock _lifecycle = new();

    private InfluxSpool? _spool;
    private Task[] _loops = [];
    private Task? _stopping;

    private long _barrierSequence;

    // Store barriers (WhenStoredAsync): a marker line, never valid line protocol (it starts with NUL), queued behind the
    // caller's points; the drain completes it once the batch holding everything before it has been dispatched.
    private const char BarrierMark = '\0';
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _barriers = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _reachedBarriers = [];

    // Touched by the drain loop only.
    private bool _spoolFull;
    private DateTimeOffset _spoolFullLoggedAt;

    public InfluxReadingWriter(InfluxOptions options, HttpClient http, TimeProvider time, ILogger<InfluxReadingWriter> logger)
    {
        _options = options;
        _api = new InfluxHttpApi(options, http, time);
        _counters = new InfluxWriterCounters(options, time);
        _time = time;
        _logger = logger;
        _buffer = Channel.CreateBounded<string>(new BoundedChannelOptions(options.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public ValueTask WriteAsync(ReadingPoint point, CancellationToken cancellationToken = default)
    {
        var line = LineProtocol.Encode(point, _options.Measurement);
        if (line is null)
        {
            _counters.Skip();
            InfluxLog.Skipped(_logger, point.AssetId);
            return ValueTask.CompletedTask;
        }

        _counters.Accept();
        if (_buffer.Writer.TryWrite(line))
        {
            return ValueTask.CompletedTask;
        }
        _counters.Unaccept();
        return WriteWhenRoomAsync(line, cancellationToken);
    }

    public ValueTask WhenStoredAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.AwaitStored)
        {
            return ValueTask.CompletedTask;
        }

        var marker = BarrierMark + Interlocked.Increment(ref _barrierSequence).ToString(CultureInfo.InvariantCulture);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _barriers[marker] = reached;
        return _buffer.Writer.TryWrite(marker)
            ? new ValueTask(reached.Task.WaitAsync(cancellationToken))
            : WaitForRoomThenStoredAsync(marker, reached, cancellationToken);
    }

    // A full buffer is exactly when the caller's points are still in memory (a burst): wait for room for the marker
    // rather than answering "stored" early, which would let the broker forget a message whose points a crash loses.
    private async ValueTask WaitForRoomThenStoredAsync(string marker, TaskCompletionSource reached, CancellationToken cancellationToken)
    {
        try
        {
            await _buffer.Writer.WriteAsync(marker, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Stopped: the drain has flushed or spooled everything written before the close.
            _barriers.TryRemove(marker, out _);
            return;
        }

        await reached.Task.WaitAsync(cancellationToken);
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => _api.PingAsync(cancellationToken);

    public InfluxWriterStats GetStats() => _counters.Snapshot(_spool?.Totals ?? default, _buffer.Reader.Count);

    /// <summary>
    /// Opens the spool (picking up batches an earlier run left) and starts the loops. Does not wait for InfluxDB:
    /// the host must come up, and alerting must run, whether storage is there or not.
    /// </summary>
    public void Start()
    {
        // Held throughout, so a StopAsync racing with Start sees either nothing started or every loop.
        lock (_lifecycle)
        {
            if (_spool is not null || _stopping is not null)
            {
                return;
            }
            var spool = InfluxSpool.Open(_options.SpoolDirectory, _options.MaxSpoolBytes, _options.MaxRejectedBytes);
            _spool = spool;
            InfluxLog.Started(_logger, _options.Url, _options.ApiVersion, spool.Directory);
            var (files, bytes, points) = spool.Totals;
            if (files > 0)
            {
                InfluxLog.SpoolFoundAtStart(_logger, files, points, bytes);
            }

            var createDatabase = _options is { ApiVersion: InfluxApiVersion.V1, CreateDatabase: true }
                ? Task.Run(EnsureDatabaseAsync)
                : Task.CompletedTask;
            _loops = [Task.Run(() => DrainAsync(spool)), Task.Run(() => ReplayAsync(spool)), createDatabase];
        }
    }

    /// <summary>
    /// Flushes what is buffered (to InfluxDB, or to the spool when it is down or <paramref name="cancellationToken"/>
    /// fires) and stops. Spooled batches stay on disk for the next start.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            _stopping ??= StopCoreAsync(cancellationToken);
            return _stopping;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _replayStop.Dispose();
        _flushDeadline.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _buffer.Writer.TryComplete();
        // The replay loop stops first; whatever it had not sent yet waits on disk, and the final flush queues behind it.
        await _replayStop.CancelAsync();
        using var deadline = cancellationToken.Register(() => _flushDeadline.Cancel());
        await Task.WhenAll(_loops);
        foreach (var marker in _barriers.Keys)
        {
            // Never reached the drain (it stopped first): release the waiters, there is nothing left to wait for.
            if (_barriers.TryRemove(marker, out var barrier))
            {
                barrier.TrySetResult();
            }
        }

        if (_spool is not null)
        {
            InfluxLog.Stopped(_logger, _counters.Written, _spool.Totals.Points, _counters.Dropped);
        }
    }

    private async ValueTask WriteWhenRoomAsync(string line, CancellationToken cancellationToken)
    {
        while (await _buffer.Writer.WaitToWriteAsync(cancellationToken))
        {
            _counters.Accept();
            if (_buffer.Writer.TryWrite(line))
            {
                return;
            }
            _counters.Unaccept();
        }
        // Readings still arriving during shutdown: the caller's job (alerting) is done, only the copy in InfluxDB is lost.
        InfluxLog.WriteAfterStop(_logger, _counters.Drop(1));
    }

    private async Task DrainAsync(InfluxSpool spool)
    {
        var reader = _buffer.Reader;
        var lines = new List<string>(Math.Min(_options.BatchSize, 16_384));
        // Ends only when StopAsync has completed the buffer and every reading in it has been dispatched.
        while (await reader.WaitToReadAsync())
        {
            try
            {
                await FillBatchAsync(reader, lines);
                await DispatchAsync(spool, lines);
            }
            catch (Exception exception)
            {
                _counters.Drop(lines.Count);
                InfluxLog.LoopFailed(_logger, exception);
            }
            lines.Clear();
            foreach (var barrier in _reachedBarriers)
            {
                barrier.TrySetResult(); // everything queued before it is posted, spooled or counted as dropped
            }

            _reachedBarriers.Clear();
        }
    }

    /// <summary>Fills a batch until it is full or the flush interval since its first reading has passed.</summary>
    private async Task FillBatchAsync(ChannelReader<string> reader, List<string> lines)
    {
        using var flushTimer = new CancellationTokenSource(_options.FlushInterval, _time);
        while (true)
        {
            while (lines.Count < _options.BatchSize && reader.TryRead(out var line))
            {
                if (line.Length > 0 && line[0] == BarrierMark)
                {
                    if (_barriers.TryRemove(line, out var barrier))
                    {
                        _reachedBarriers.Add(barrier);
                    }

                    continue;
                }

                lines.Add(line);
            }
            if (lines.Count >= _options.BatchSize || flushTimer.IsCancellationRequested)
            {
                return;
            }
            try
            {
                if (!await reader.WaitToReadAsync(flushTimer.Token))
                {
                    return; // stopping: send what there is
                }
            }
            catch (OperationCanceledException) when (flushTimer.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task DispatchAsync(InfluxSpool spool, List<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }
        var points = lines.Count;
        var body = LineProtocol.ToBody(lines);
        if (!spool.IsEmpty)
        {
            // Older batches are waiting on disk; this one may not overtake them.
            AppendToSpool(spool, LineProtocol.Gzip(body), points);
            return;
        }

        var gzipped = _options.Gzip ? LineProtocol.Gzip(body) : null;
        PostOutcome outcome;
        try
        {
            outcome = await _api.PostAsync(gzipped ?? body, gzipped is not null, _flushDeadline.Token);
        }
        catch (OperationCanceledException) when (_flushDeadline.IsCancellationRequested)
        {
            // The host's shutdown deadline passed mid-post: keep the batch on disk rather than lose it.
            AppendToSpool(spool, gzipped ?? LineProtocol.Gzip(body), points);
            return;
        }

        switch (outcome.Result)
        {
            case PostResult.Success:
                _counters.Success(points, replayed: false);
                break;
            case PostResult.Invalid:
                RecordRejected(points, outcome, () => spool.KeepRejected(gzipped ?? LineProtocol.Gzip(body), points, outcome.Reason));
                break;
            default:
                _counters.Failure(outcome);
                InfluxLog.SpoolingStarted(_logger, outcome.Reason);
                AppendToSpool(spool, gzipped ?? LineProtocol.Gzip(body), points);
                break;
        }
    }

    private void AppendToSpool(InfluxSpool spool, byte[] gzipped, int points)
    {
        bool appended;
        try
        {
            appended = spool.TryAppend(gzipped, points);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _counters.Drop(points);
            InfluxLog.SpoolWriteFailed(_logger, points, exception);
            return;
        }

        if (appended)
        {
            _replaySignal.Writer.TryWrite(true);
            if (_spoolFull)
            {
                _spoolFull = false;
                InfluxLog.SpoolHasRoom(_logger, _counters.Dropped);
            }
            return;
        }

        // Alerting must keep flowing even when storage has been gone for hours, so the buffer never waits for disk
        // space: the newest readings are dropped, counted, and shouted about.
        var dropped = _counters.Drop(points);
        var now = _time.GetUtcNow();
        if (!_spoolFull || now - _spoolFullLoggedAt >= SpoolFullLogInterval)
        {
            InfluxLog.SpoolFull(_logger, spool.Totals.Bytes, _options.MaxSpoolBytes, dropped);
            _spoolFullLoggedAt = now;
        }
        _spoolFull = true;
    }

    private async Task ReplayAsync(InfluxSpool spool)
    {
        var stopping = _replayStop.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ReplayOldestAsync(spool, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                InfluxLog.LoopFailed(_logger, exception);
                try
                {
                    await Task.Delay(_options.MaxRetryDelay, _time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ReplayOldestAsync(InfluxSpool spool, CancellationToken stopping)
    {
        if (spool.PeekOldest() is not { } entry)
        {
            await _replaySignal.Reader.ReadAsync(stopping);
            return;
        }
        if (_counters.ConsecutiveFailures > 0)
        {
            await Task.Delay(_counters.RetryDelay, _time, stopping);
        }

        byte[] body;
        try
        {
            var stored = InfluxSpool.Read(entry);
            body = _options.Gzip ? stored : LineProtocol.Gunzip(stored);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            InfluxLog.SpoolFileUnreadable(_logger, entry.Path, exception);
            _counters.Unreadable(entry.Points);
            spool.RejectOldest(entry, $"unreadable spool file: {exception.Message}");
            return;
        }

        var outcome = await _api.PostAsync(body, _options.Gzip, stopping);
        switch (outcome.Result)
        {
            case PostResult.Success:
                spool.RemoveOldest(entry);
                _counters.Success(entry.Points, replayed: true);
                if (spool.IsEmpty)
                {
                    InfluxLog.SpoolDrained(_logger, _counters.Replayed);
                }
                break;
            case PostResult.Invalid:
                RecordRejected(entry.Points, outcome, () => spool.RejectOldest(entry, outcome.Reason));
                break;
            default:
                var failures = _counters.Failure(outcome);
                InfluxLog.ReplayFailed(_logger, entry.Sequence, failures, spool.Totals.Files,
                    _counters.RetryDelay, outcome.Reason);
                break;
        }
    }

    private async Task EnsureDatabaseAsync()
    {
        var stopping = _replayStop.Token;
        var attempt = 0;
        try
        {
            while (true)
            {
                var (failure, retry) = await _api.TryCreateDatabaseAsync(stopping);
                if (failure is null)
                {
                    InfluxLog.DatabaseReady(_logger, _options.Database);
                    return;
                }
                if (!retry)
                {
                    InfluxLog.CreateDatabaseRefused(_logger, _options.Database, failure);
                    return;
                }
                var delay = InfluxBackoff.Delay(++attempt, _options.RetryBaseDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());
                InfluxLog.CreateDatabaseFailed(_logger, _options.Database, failure, delay);
                await Task.Delay(delay, _time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before InfluxDB ever answered; the next start tries again.
        }
    }

    /// <param name="keep">Moves the batch into rejected/; returns where, or null when that folder is full.</param>
    private void RecordRejected(int points, PostOutcome outcome, Func<string?> keep)
    {
        _counters.Rejected(points, outcome);
        string? keptAt;
        try
        {
            keptAt = keep();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            InfluxLog.SpoolWriteFailed(_logger, points, exception);
            keptAt = null;
        }

        if (keptAt is null)
        {
            InfluxLog.BatchRejectedNotKept(_logger, points, outcome.StatusCode, outcome.Reason);
        }
        else
        {
            InfluxLog.BatchRejected(_logger, points, outcome.StatusCode, outcome.Reason, keptAt);
        }
    }
}
