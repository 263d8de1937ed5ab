using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>
/// The node's durable queue of alert changes on their way to PostgreSQL. An append returns once its line is on disk
/// (appends that arrive together share one fsync), so a grain can push the change to the wall at once and PostgreSQL can
/// be slow, down or frozen without losing it. The writer (<see cref="GroupCommitAlertWriter"/>) takes the pending
/// changes in journal order, writes them in batches and moves the checkpoint; what it has written is dropped here.
/// </summary>
/// <remarks>
/// While a change waits, this also answers for it: <see cref="TryGetLatest"/> and <see cref="LatestOfAsset"/> give the newest
/// journalled state of an alert, which readers lay over what PostgreSQL returns, so an activation that restarts during an
/// outage does not start from an older alert than the one clients were shown.
/// </remarks>
public sealed class AlertJournal : IAsyncDisposable
{
    private const string SegmentPrefix = "alert-journal-";
    private const string SegmentSuffix = ".jsonl";
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly AlertJournalOptions _options;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertJournal> _logger;
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly Queue<(AlertJournalEntry Entry, DateTimeOffset JournalledAt)> _pending = new();
    private readonly Dictionary<string, (AlertView Alert, long Position)> _overlay = new(StringComparer.Ordinal);
    private readonly List<(long First, long Last, string Path)> _closedSegments = [];
    private readonly SemaphoreSlim _capacity;
    private TaskCompletionSource _pendingSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _committedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileStream? _lockFile;
    private FileStream? _segment;
    private long _segmentFirst;
    private long _nextPosition;
    private long _committed;
    private int _overdraft;
    private Task _flushLoop = Task.CompletedTask;
    private long _appended;
    private long _written;
    private Action<int, TimeSpan>? _flushed;

    public AlertJournal(AlertJournalOptions options, string directory, TimeProvider time, ILogger<AlertJournal> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _directory = directory;
        _time = time;
        _logger = logger;
        _capacity = new SemaphoreSlim(options.MaxPendingEntries, options.MaxPendingEntries);
        Directory.CreateDirectory(directory);
        NodeId = ReadOrCreateNodeId(directory);
    }

    /// <summary>This journal's name in <c>alert_journal_checkpoints</c>: stable for the folder, unique per node.</summary>
    public string NodeId { get; }

    public string DirectoryPath => _directory;

    public bool IsOpen => _segment is not null;

    /// <summary>Changes on disk that PostgreSQL does not have yet.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>When the oldest change still waiting for PostgreSQL was journalled; null when none waits.</summary>
    public DateTimeOffset? OldestPendingAt
    {
        get
        {
            lock (_gate)
            {
                return _pending.TryPeek(out var oldest) ? oldest.JournalledAt : null;
            }
        }
    }

    public long AppendedTotal => Interlocked.Read(ref _appended);

    /// <summary>Called after each group of appends is on disk, with its size and the time its write and fsync took.</summary>
    public void OnFlushed(Action<int, TimeSpan> flushed) => _flushed = flushed;

    public long WrittenTotal => Interlocked.Read(ref _written);

    /// <summary>The position of the newest change on disk.</summary>
    public long LastPosition => Interlocked.Read(ref _nextPosition);

    /// <summary>The position of the last change PostgreSQL has.</summary>
    public long Checkpoint => Interlocked.Read(ref _committed);

    /// <summary>
    /// Reads what earlier runs left on disk, keeps the changes after <paramref name="checkpoint"/> (what PostgreSQL
    /// already has is skipped, so a replay lands each change once) and starts taking appends. Returns the replayed count.
    /// </summary>
    public int Open(long checkpoint)
    {
        if (IsOpen)
        {
            throw new InvalidOperationException("The alert journal is open already.");
        }

        // Two processes appending to one folder would interleave positions; refuse that at once.
        try
        {
            _lockFile = new FileStream(Path.Combine(_directory, "journal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The alert journal folder '{_directory}' is in use by another process; give each server its own AlertJournal:Directory.", ex);
        }

        var replayed = 0;
        var highest = checkpoint;
        foreach (var path in Directory.EnumerateFiles(_directory, SegmentPrefix + "*" + SegmentSuffix).Order(StringComparer.Ordinal))
        {
            long first = long.MaxValue, last = 0;
            foreach (var entry in ReadSegment(path))
            {
                first = Math.Min(first, entry.Position);
                last = Math.Max(last, entry.Position);
                highest = Math.Max(highest, entry.Position);
                if (entry.Position > checkpoint)
                {
                    AddPending(entry, _time.GetUtcNow());
                    if (!_capacity.Wait(0))
                    {
                        _overdraft++; // more than the bound was left on disk: appends wait until the replay is written
                    }

                    replayed++;
                }
            }

            _closedSegments.Add((first == long.MaxValue ? 0 : first, last, path));
        }

        _committed = checkpoint;
        _nextPosition = highest;
        TrimSegments();
        StartSegment();
        _flushLoop = Task.Run(FlushLoopAsync);
        if (replayed > 0)
        {
            SignalPending();
            AlertJournalLog.Replaying(_logger, replayed, checkpoint, _directory);
        }

        return replayed;
    }

    /// <summary>Makes the change durable on disk and queues it for PostgreSQL; waits while the journal is full.</summary>
    public async Task AppendAsync(AlertJournalEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!IsOpen)
        {
            throw new InvalidOperationException("The alert journal is not open yet.");
        }

        await _capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
        var append = new PendingAppend(entry);
        if (!_appends.Writer.TryWrite(append))
        {
            _capacity.Release();
            throw new ObjectDisposedException(nameof(AlertJournal));
        }

        await append.Done.Task.ConfigureAwait(false);
    }

    /// <summary>The newest journalled state of an alert that PostgreSQL may not have yet.</summary>
    public bool TryGetLatest(string alertId, out AlertView alert)
    {
        lock (_gate)
        {
            if (_overlay.TryGetValue(alertId, out var latest))
            {
                alert = latest.Alert;
                return true;
            }
        }

        alert = null!;
        return false;
    }

    /// <summary>The newest journalled state of every alert (of one asset, or all) that PostgreSQL may not have yet.</summary>
    public IReadOnlyList<AlertView> LatestOfAsset(string? assetId)
    {
        lock (_gate)
        {
            return [.. _overlay.Values.Select(v => v.Alert).Where(a => assetId is null || a.AssetId == assetId)];
        }
    }

    /// <summary>The oldest pending changes, in order, without taking them: they stay until <see cref="Committed"/>.</summary>
    public IReadOnlyList<AlertJournalEntry> PeekBatch(int max)
    {
        lock (_gate)
        {
            return [.. _pending.Take(max).Select(p => p.Entry)];
        }
    }

    /// <summary>Completes when a change is pending (at once if one is).</summary>
    public Task WaitForPendingAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            if (_pending.Count > 0)
            {
                return Task.CompletedTask;
            }

            signal = _pendingSignal.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until PostgreSQL has every change up to <paramref name="position"/>, at most <paramref name="timeout"/>:
    /// a reader of the ledger then sees its own steps (read your writes). False on timeout (PostgreSQL behind or down).
    /// </summary>
    public async Task<bool> WaitForCheckpointAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_committed >= position)
                {
                    return true;
                }

                signal = _committedSignal.Task;
            }

            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await signal.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>PostgreSQL has every change up to <paramref name="position"/>: drop them here.</summary>
    public void Committed(long position)
    {
        var released = 0;
        lock (_gate)
        {
            while (_pending.TryPeek(out var head) && head.Entry.Position <= position)
            {
                _pending.Dequeue();
                released++;
                if (head.Entry.Kind == AlertJournalKind.Record &&
                    _overlay.TryGetValue(head.Entry.AlertId, out var latest) && latest.Position <= position)
                {
                    _overlay.Remove(head.Entry.AlertId);
                }
            }

            _committed = Math.Max(_committed, position);
            _committedSignal.TrySetResult();
            _committedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var repay = Math.Min(_overdraft, released);
            _overdraft -= repay;
            released -= repay;
            TrimSegments();
        }

        Interlocked.Add(ref _written, released);
        if (released > 0)
        {
            _capacity.Release(released);
        }
    }

    /// <summary>Keeps a change PostgreSQL refused as data (not as an outage) beside the journal, for a person to look at.</summary>
    public void Quarantine(AlertJournalEntry entry, string reason)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = JsonSerializer.Serialize(new { reason, at = _time.GetUtcNow(), entry }, StorageJson.Options);
        lock (_gate)
        {
            File.AppendAllText(Path.Combine(_directory, "quarantine.jsonl"), line + "\n");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _flushLoop.ConfigureAwait(false);
        lock (_gate)
        {
            _segment?.Dispose();
            _segment = null;
        }

        if (_lockFile is not null)
        {
            await _lockFile.DisposeAsync().ConfigureAwait(false);
        }

        _capacity.Dispose();
    }

    private async Task FlushLoopAsync()
    {
        var group = new List<PendingAppend>();
        var buffer = new MemoryStream();
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            buffer.SetLength(0);
            while (group.Count < 4096 && _appends.Reader.TryRead(out var append))
            {
                group.Add(append);
            }

            var positioned = new AlertJournalEntry[group.Count];
            var start = _nextPosition;
            for (var i = 0; i < group.Count; i++)
            {
                positioned[i] = group[i].Entry with { Position = start + i + 1 };
                JsonSerializer.Serialize(buffer, positioned[i], StorageJson.Options);
                buffer.Write(NewLine);
            }

            var segment = _segment!;
            var lengthBefore = segment.Length;
            var writeStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                segment.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                segment.Flush(flushToDisk: _options.Fsync);
            }
            catch (Exception ex)
            {
                // Disk full or failing: nobody was told "stored", so take the partial lines back and fail the callers
                // (ingestion retries them; the grain stays as it was).
                try
                {
                    segment.SetLength(lengthBefore);
                }
                catch (IOException)
                {
                    // The replay skips a torn last line; nothing more to do here.
                }

                _capacity.Release(group.Count);
                AlertJournalLog.AppendFailed(_logger, ex, group.Count, _directory);
                foreach (var append in group)
                {
                    append.Done.TrySetException(ex);
                }

                continue;
            }

            Interlocked.Exchange(ref _nextPosition, start + group.Count);
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                foreach (var entry in positioned)
                {
                    AddPending(entry, now);
                }

                if (segment.Length >= _options.SegmentBytes)
                {
                    _closedSegments.Add((_segmentFirst, _nextPosition, segment.Name));
                    segment.Dispose();
                    StartSegment();
                }
            }

            Interlocked.Add(ref _appended, group.Count);
            _flushed?.Invoke(group.Count, System.Diagnostics.Stopwatch.GetElapsedTime(writeStarted));
            SignalPending();
            foreach (var append in group)
            {
                append.Done.TrySetResult();
            }
        }
    }

    // Under _gate, or before the flush loop starts.
    private void AddPending(AlertJournalEntry entry, DateTimeOffset journalledAt)
    {
        _pending.Enqueue((entry, journalledAt));
        if (entry is { Kind: AlertJournalKind.Record, Record: { } record })
        {
            _overlay[entry.AlertId] = (record.After, entry.Position);
        }
    }

    private void SignalPending()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _pendingSignal;
            _pendingSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    private void StartSegment()
    {
        _segmentFirst = _nextPosition + 1;
        var path = Path.Combine(_directory, SegmentPrefix + _segmentFirst.ToString("D19", CultureInfo.InvariantCulture) + SegmentSuffix);
        _segment = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        _segment.Seek(0, SeekOrigin.End);
    }

    // A closed segment whose every change PostgreSQL has is of no further use.
    private void TrimSegments()
    {
        for (var i = _closedSegments.Count - 1; i >= 0; i--)
        {
            if (_closedSegments[i].Last <= _committed)
            {
                File.Delete(_closedSegments[i].Path);
                _closedSegments.RemoveAt(i);
            }
        }
    }

    private IEnumerable<AlertJournalEntry> ReadSegment(string path)
    {
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            AlertJournalEntry? entry = null;
            try
            {
                entry = JsonSerializer.Deserialize<AlertJournalEntry>(lines[i], StorageJson.Options);
            }
            catch (JsonException ex)
            {
                // A torn last line is a crash during a write nobody was told succeeded; anything else is damage, kept
                // visible in the log rather than stopping the node.
                AlertJournalLog.UnreadableLine(_logger, path, i + 1, i == lines.Length - 1, ex.Message);
            }

            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    private static string ReadOrCreateNodeId(string directory)
    {
        var path = Path.Combine(directory, "node-id");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        var id = $"{Environment.MachineName}-{Guid.NewGuid():N}";
        File.WriteAllText(path, id);
        return id;
    }

    private sealed class PendingAppend(AlertJournalEntry entry)
    {
        public AlertJournalEntry Entry { get; } = entry;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal static partial class AlertJournalLog
{
    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Alert journal: {Count} changes from an earlier run are not in PostgreSQL yet (checkpoint {Checkpoint}, folder {Directory}); writing them first")]
    public static partial void Replaying(ILogger logger, int count, long checkpoint, string directory);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Alert journal: {Count} changes could not be written to disk in {Directory}; the callers are told and retry")]
    public static partial void AppendFailed(ILogger logger, Exception exception, int count, string directory);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Error, Message = "Alert journal: {Path} line {Line} is unreadable (last line: {LastLine}): {Reason}")]
    public static partial void UnreadableLine(ILogger logger, string path, int line, bool lastLine, string reason);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Alert journal: PostgreSQL did not take {Count} changes ({Reason}); {Pending} wait on disk, retrying in {Delay}")]
    public static partial void WriteFailed(ILogger logger, int count, string reason, int pending, TimeSpan delay);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Information, Message = "Alert journal: PostgreSQL answers again; {Pending} journalled changes are being written")]
    public static partial void Recovered(ILogger logger, int pending);

    [LoggerMessage(EventId = 3115, Level = LogLevel.Error, Message = "Alert journal: PostgreSQL refused change {Position} of alert {AlertId} as data ({Reason}); kept in quarantine.jsonl")]
    public static partial void Quarantined(ILogger logger, long position, string alertId, string reason);

    [LoggerMessage(EventId = 3116, Level = LogLevel.Warning, Message = "Alert journal: change {Position} names alert {AlertId}, which PostgreSQL does not know; its ledger line is skipped")]
    public static partial void UnknownAlert(ILogger logger, long position, string alertId);

    [LoggerMessage(EventId = 3117, Level = LogLevel.Information, Message = "Alert journal: the {Count} changes up to {Position} were in PostgreSQL already (the last commit's answer was lost); not written twice")]
    public static partial void WrittenBefore(ILogger logger, int count, long position);
}
