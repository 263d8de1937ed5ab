using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
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
/// </remarks>
internal sealed class InfluxReadingWriter : IReadingWriter, IAsyncDisposable
{
    public const string HttpClientName = "RiskMonitor.Influx";

    // A full spool drops a batch every flush interval; one error line per half minute is loud enough to page on
    // without burying every other log line.
    private static readonly TimeSpan SpoolFullLogInterval = TimeSpan.FromSeconds(30);

    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<string> _buffer;
    // Wakes the replay loop when a batch is spooled; capacity 1 because one pending wake-up is as good as many.
    private readonly Channel<bool> _replaySignal =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _replayStop = new();
    private readonly CancellationTokenSource _flushDeadline = new();
    private readonly Uri _writeUri;
    private readonly Uri _queryUri;
    private readonly Uri _pingUri;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly Lock _lifecycle = new();

    private InfluxSpool? _spool;
    private Task[] _loops = [];
    private Task? _stopping;

    private long _accepted;
    private long _written;
    private long _barrierSequence;

    // Store barriers (WhenStoredAsync): a marker line, never valid line protocol (it starts with NUL), queued behind the
    // caller's points; the drain completes it once the batch holding everything before it has been dispatched.
    private const char BarrierMark = '\0';
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _barriers = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _reachedBarriers = [];
    private long _batchesPosted;
    private long _failedAttempts;
    private long _replayed;
    private long _dropped;
    private long _rejected;
    private long _skipped;
    private long _lastSuccessUtcTicks;
    private volatile string? _lastError;
    private int _consecutiveFailures;
    private long _retryDelayTicks;

    // Touched by the drain loop only.
    private bool _spoolFull;
    private DateTimeOffset _spoolFullLoggedAt;

    public InfluxReadingWriter(InfluxOptions options, HttpClient http, TimeProvider time, ILogger<InfluxReadingWriter> logger)
    {
        _options = options;
        _http = http;
        _time = time;
        _logger = logger;
        _buffer = Channel.CreateBounded<string>(new BoundedChannelOptions(options.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

        var root = options.Url.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        _writeUri = options.ApiVersion == InfluxApiVersion.V2
            ? new Uri(root, $"api/v2/write?org={Uri.EscapeDataString(options.Org ?? "")}"
                + $"&bucket={Uri.EscapeDataString(options.Bucket ?? "")}&precision=ms")
            : new Uri(root, $"write?db={Uri.EscapeDataString(options.Database)}&precision=ms");
        _queryUri = new Uri(root, "query");
        _pingUri = new Uri(root, "ping");
        _authorization = !string.IsNullOrEmpty(options.Token)
            ? new AuthenticationHeaderValue("Token", options.Token)
            : !string.IsNullOrEmpty(options.Username)
                ? new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")))
                : null;
    }

    public ValueTask WriteAsync(ReadingPoint point, CancellationToken cancellationToken = default)
    {
        var line = LineProtocol.Encode(point, _options.Measurement);
        if (line is null)
        {
            Interlocked.Increment(ref _skipped);
            InfluxLog.Skipped(_logger, point.AssetId);
            return ValueTask.CompletedTask;
        }

        // Counted before the write so that Written can never run ahead of Accepted in a snapshot.
        Interlocked.Increment(ref _accepted);
        if (_buffer.Writer.TryWrite(line))
        {
            return ValueTask.CompletedTask;
        }
        Interlocked.Decrement(ref _accepted);
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

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.GetAsync(_pingUri, linked.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public InfluxWriterStats GetStats()
    {
        var (files, bytes, points) = _spool?.Totals ?? default;
        var lastSuccess = Interlocked.Read(ref _lastSuccessUtcTicks);
        return new InfluxWriterStats(
            Accepted: Interlocked.Read(ref _accepted),
            Written: Interlocked.Read(ref _written),
            BatchesPosted: Interlocked.Read(ref _batchesPosted),
            FailedAttempts: Interlocked.Read(ref _failedAttempts),
            SpooledPoints: points,
            SpooledBytes: bytes,
            SpooledFiles: files,
            Replayed: Interlocked.Read(ref _replayed),
            Dropped: Interlocked.Read(ref _dropped),
            Rejected: Interlocked.Read(ref _rejected),
            Skipped: Interlocked.Read(ref _skipped),
            Buffered: _buffer.Reader.Count,
            LastSuccessAt: lastSuccess == 0 ? null : new DateTimeOffset(lastSuccess, TimeSpan.Zero),
            LastError: _lastError,
            Spooling: files > 0);
    }

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

    internal enum PostResult
    {
        Success,
        Transient,
        Invalid,
    }

    internal static PostResult Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => PostResult.Success,
        // Timeouts and throttling pass.
        408 or 429 => PostResult.Transient,
        // Wrong credentials or a missing database/bucket are the operator's to fix, not the batch's fault: refusing
        // every batch as invalid would throw hours of good readings into rejected/.
        401 or 403 or 404 => PostResult.Transient,
        // A batch InfluxDB cannot take (unparsable line, field type conflict, too large) fails the same way every
        // time; retrying it would block everything queued behind it.
        >= 400 and < 500 => PostResult.Invalid,
        _ => PostResult.Transient,
    };

    /// <summary>Exponential backoff with "equal jitter": at least half the step, so retries really back off; the
    /// random other half, so several silos that lost InfluxDB together do not come back in lock-step.</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        var step = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 40)));
        return TimeSpan.FromTicks((long)(step / 2 + random01 * step / 2));
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
            InfluxLog.Stopped(_logger, Interlocked.Read(ref _written), _spool.Totals.Points, Interlocked.Read(ref _dropped));
        }
    }

    private async ValueTask WriteWhenRoomAsync(string line, CancellationToken cancellationToken)
    {
        while (await _buffer.Writer.WaitToWriteAsync(cancellationToken))
        {
            Interlocked.Increment(ref _accepted);
            if (_buffer.Writer.TryWrite(line))
            {
                return;
            }
            Interlocked.Decrement(ref _accepted);
        }
        // Readings still arriving during shutdown: the caller's job (alerting) is done, only the copy in InfluxDB is lost.
        InfluxLog.WriteAfterStop(_logger, Interlocked.Increment(ref _dropped));
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
                Interlocked.Add(ref _dropped, lines.Count);
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
            outcome = await PostAsync(gzipped ?? body, gzipped is not null, _flushDeadline.Token);
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
                RecordSuccess(points, replayed: false);
                break;
            case PostResult.Invalid:
                RecordRejected(points, outcome, () => spool.KeepRejected(gzipped ?? LineProtocol.Gzip(body), points, outcome.Reason));
                break;
            default:
                RecordFailure(outcome);
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
            Interlocked.Add(ref _dropped, points);
            InfluxLog.SpoolWriteFailed(_logger, points, exception);
            return;
        }

        if (appended)
        {
            _replaySignal.Writer.TryWrite(true);
            if (_spoolFull)
            {
                _spoolFull = false;
                InfluxLog.SpoolHasRoom(_logger, Interlocked.Read(ref _dropped));
            }
            return;
        }

        // Alerting must keep flowing even when storage has been gone for hours, so the buffer never waits for disk
        // space: the newest readings are dropped, counted, and shouted about.
        var dropped = Interlocked.Add(ref _dropped, points);
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
        if (Volatile.Read(ref _consecutiveFailures) > 0)
        {
            await Task.Delay(TimeSpan.FromTicks(Interlocked.Read(ref _retryDelayTicks)), _time, stopping);
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
            Interlocked.Add(ref _rejected, entry.Points);
            spool.RejectOldest(entry, $"unreadable spool file: {exception.Message}");
            return;
        }

        var outcome = await PostAsync(body, _options.Gzip, stopping);
        switch (outcome.Result)
        {
            case PostResult.Success:
                spool.RemoveOldest(entry);
                RecordSuccess(entry.Points, replayed: true);
                if (spool.IsEmpty)
                {
                    InfluxLog.SpoolDrained(_logger, Interlocked.Read(ref _replayed));
                }
                break;
            case PostResult.Invalid:
                RecordRejected(entry.Points, outcome, () => spool.RejectOldest(entry, outcome.Reason));
                break;
            default:
                var failures = RecordFailure(outcome);
                InfluxLog.ReplayFailed(_logger, entry.Sequence, failures, spool.Totals.Files,
                    TimeSpan.FromTicks(Interlocked.Read(ref _retryDelayTicks)), outcome.Reason);
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
                var (failure, retry) = await TryCreateDatabaseAsync(stopping);
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
                var delay = Backoff(++attempt, _options.RetryBaseDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());
                InfluxLog.CreateDatabaseFailed(_logger, _options.Database, failure, delay);
                await Task.Delay(delay, _time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before InfluxDB ever answered; the next start tries again.
        }
    }

    /// <returns>Null on success, else why not, and whether trying again later can help.</returns>
    private async Task<(string? Failure, bool Retry)> TryCreateDatabaseAsync(CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, _queryUri)
        {
            // The name is restricted to [A-Za-z0-9._-] by InfluxOptions, so quoting it is enough.
            Content = new FormUrlEncodedContent([new("q", $"CREATE DATABASE \"{_options.Database}\"")]),
        };
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                // InfluxDB answered and said no (no permission, or a 2.x/3.x without CREATE DATABASE): asking again
                // will not change that. Writes then show whether the database is there.
                var status = (int)response.StatusCode;
                return ($"HTTP {status}: {ErrorText(text)}", status is >= 500 or 408 or 429);
            }
            // InfluxQL reports a failed statement inside a 200 answer.
            return text.Contains("\"error\"", StringComparison.Ordinal) ? (ErrorText(text), false) : (null, false);
        }
        catch (HttpRequestException exception)
        {
            return (exception.Message, true);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return ($"no answer within {_options.RequestTimeout}", true);
        }
    }

    private async Task<PostOutcome> PostAsync(byte[] body, bool gzipped, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (gzipped)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri) { Content = content };
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.IsSuccessStatusCode)
            {
                return new PostOutcome(PostResult.Success, (int)response.StatusCode, "", null);
            }
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            return new PostOutcome(Classify(response.StatusCode), status, $"HTTP {status}: {ErrorText(text)}", RetryAfter(response));
        }
        catch (HttpRequestException exception)
        {
            return new PostOutcome(PostResult.Transient, 0, exception.Message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PostOutcome(PostResult.Transient, 0, $"no answer within {_options.RequestTimeout}", null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow(),
        _ => null,
    };

    /// <summary>InfluxDB answers errors as <c>{"error":"..."}</c>; the message alone reads better in a log line.</summary>
    private static string ErrorText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (FindError(json.RootElement) is { } error)
            {
                return error;
            }
        }
        catch (JsonException)
        {
        }
        var trimmed = body.Trim();
        return trimmed.Length <= 500 ? trimmed : trimmed[..500] + "…";
    }

    private static string? FindError(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals("error") && property.Value.ValueKind == JsonValueKind.String)
                {
                    return property.Value.GetString();
                }
                if (FindError(property.Value) is { } nested)
                {
                    return nested;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (FindError(item) is { } nested)
                {
                    return nested;
                }
            }
        }
        return null;
    }

    private void RecordSuccess(int points, bool replayed)
    {
        Interlocked.Add(ref _written, points);
        Interlocked.Increment(ref _batchesPosted);
        if (replayed)
        {
            Interlocked.Add(ref _replayed, points);
        }
        Interlocked.Exchange(ref _lastSuccessUtcTicks, _time.GetUtcNow().UtcTicks);
        Interlocked.Exchange(ref _consecutiveFailures, 0);
    }

    /// <returns>Consecutive failures so far.</returns>
    private int RecordFailure(PostOutcome outcome)
    {
        Interlocked.Increment(ref _failedAttempts);
        _lastError = outcome.Reason;
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        var delay = Backoff(failures, _options.RetryBaseDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());
        if (outcome.RetryAfter is { } asked && asked > delay)
        {
            delay = asked < _options.MaxRetryDelay ? asked : _options.MaxRetryDelay;
        }
        Interlocked.Exchange(ref _retryDelayTicks, delay.Ticks);
        return failures;
    }

    /// <param name="keep">Moves the batch into rejected/; returns where, or null when that folder is full.</param>
    private void RecordRejected(int points, PostOutcome outcome, Func<string?> keep)
    {
        Interlocked.Increment(ref _failedAttempts);
        Interlocked.Add(ref _rejected, points);
        _lastError = outcome.Reason;
        // The batch, not InfluxDB, was the problem: what comes next is sent without waiting.
        Interlocked.Exchange(ref _consecutiveFailures, 0);
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

    private readonly record struct PostOutcome(PostResult Result, int StatusCode, string Reason, TimeSpan? RetryAfter);
}
