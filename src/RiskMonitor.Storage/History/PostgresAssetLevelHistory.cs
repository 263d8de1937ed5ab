using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain;

namespace RiskMonitor.Storage.History;

/// <summary>
/// The history on PostgreSQL (table <c>asset_level_changes</c>, migration 0011). Grains hand changes to a bounded
/// queue; this service drains it in batches of up to <see cref="LevelHistoryOptions.BatchSize"/> rows, one INSERT each,
/// retried with backoff. A full queue drops new changes and a batch that keeps failing is given up; both are counted,
/// logged and make the snapshots after them say "incomplete": alerting never waits for the history.
/// </summary>
internal sealed class PostgresAssetLevelHistory(
    NpgsqlDataSource dataSource, IOptions<LevelHistoryOptions> options, TimeProvider time, ILogger<PostgresAssetLevelHistory> logger)
    : BackgroundService, IAssetLevelHistory
{
    private static readonly TimeSpan FlushPatience = TimeSpan.FromSeconds(10);

    private readonly LevelHistoryOptions _options = options.Value;
    private readonly Channel<AssetLevelChange> _queue = Channel.CreateBounded<AssetLevelChange>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _recorded;
    private long _written;
    private long _dropped;
    private long _failed;
    private DateTimeOffset? _lostSince;

    public bool Record(AssetLevelChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (_queue.Writer.TryWrite(change))
        {
            Interlocked.Increment(ref _recorded);
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        MarkLost(change.At);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            HistoryLog.Dropped(logger, dropped, _options.QueueCapacity);
        }

        return false;
    }

    public async Task<LevelsAt> LevelsAtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var levels = new Dictionary<string, WarningLevel>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT ON (asset_id) asset_id, level FROM asset_level_changes
            WHERE changed_at <= @at
            ORDER BY asset_id, changed_at DESC, seq DESC
            """);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            levels[reader.GetString(0)] = Enum.Parse<WarningLevel>(reader.GetString(1), ignoreCase: true);
        }

        // A lost change matters to every moment after it: the asset may have stayed at the level it never recorded.
        return new LevelsAt(levels, LostSince() is not { } lost || at < lost);
    }

    public LevelHistoryStats GetStats()
    {
        var recorded = Interlocked.Read(ref _recorded);
        var written = Interlocked.Read(ref _written);
        var failed = Interlocked.Read(ref _failed);
        return new LevelHistoryStats("postgresql", recorded, written, Interlocked.Read(ref _dropped), failed, recorded - written - failed, null);
    }

    /// <summary>Waits until every change queued before the call is written or given up (at most 10 s).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _recorded);
        var deadline = time.GetUtcNow() + FlushPatience;
        while (Interlocked.Read(ref _written) + Interlocked.Read(ref _failed) < target)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Interlocked.Read(ref _written) + Interlocked.Read(ref _failed) >= target)
            {
                break;
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                HistoryLog.FlushTimedOut(logger, target - Interlocked.Read(ref _written) - Interlocked.Read(ref _failed));
                break;
            }

            try
            {
                await progress.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // checked at the top of the loop
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AssetLevelChange>(_options.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                if (await WriteWithRetryAsync(batch, stoppingToken))
                {
                    Interlocked.Add(ref _written, batch.Count);
                }
                else
                {
                    Interlocked.Add(ref _failed, batch.Count);
                    MarkLost(batch.Min(c => c.At));
                }

                Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: one last attempt for what is queued, so a clean stop loses nothing.
            batch.Clear();
            while (_queue.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            if (batch.Count > 0 && await WriteWithRetryAsync(batch, CancellationToken.None, attempts: 1))
            {
                Interlocked.Add(ref _written, batch.Count);
            }
        }
    }

    private async Task<bool> WriteWithRetryAsync(List<AssetLevelChange> batch, CancellationToken cancellationToken, int? attempts = null)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var limit = attempts ?? _options.WriteAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InsertAsync(batch, cancellationToken);
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= limit)
                {
                    HistoryLog.BatchGivenUp(logger, ex, batch.Count, attempt);
                    return false;
                }

                HistoryLog.BatchRetry(logger, batch.Count, attempt, delay, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task InsertAsync(List<AssetLevelChange> batch, CancellationToken cancellationToken)
    {
        // One statement per batch: arrays unnested server-side, so 1 000 rows cost one round trip.
        await using var insert = dataSource.CreateCommand("""
            INSERT INTO asset_level_changes (asset_id, changed_at, level, colour)
            SELECT * FROM unnest(@asset_ids, @changed_at, @levels, @colours)
            """);
        var p = insert.Parameters;
        p.Add(new NpgsqlParameter("asset_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(c => c.AssetId).ToArray() });
        p.Add(new NpgsqlParameter("changed_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(c => c.At.UtcDateTime).ToArray() });
        p.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(c => Name(c.Level)).ToArray() });
        p.Add(new NpgsqlParameter("colours", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(c => Name(c.Colour)).ToArray() });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private void MarkLost(DateTimeOffset at)
    {
        // The earliest moment whose snapshot may be wrong. Rare, so a lock is fine.
        lock (_queue)
        {
            if (_lostSince is not { } since || at < since)
            {
                _lostSince = at;
            }
        }
    }

    private DateTimeOffset? LostSince()
    {
        lock (_queue)
        {
            return _lostSince;
        }
    }

    private static string Name(WarningLevel level) => level.ToString().ToLowerInvariant();

    private static string Name(RiskColour colour) => colour.ToString().ToLowerInvariant();
}

internal static partial class HistoryLog
{
    [LoggerMessage(EventId = 3601, Level = LogLevel.Error, Message = "Asset level history queue full ({Capacity}): {Dropped} changes dropped so far; snapshots after them are incomplete")]
    public static partial void Dropped(ILogger logger, long dropped, int capacity);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Writing {Count} asset level changes failed (attempt {Attempt}), retrying in {Delay}: {Reason}")]
    public static partial void BatchRetry(ILogger logger, int count, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Error, Message = "Gave up writing {Count} asset level changes after {Attempts} attempts; snapshots after them are incomplete")]
    public static partial void BatchGivenUp(ILogger logger, Exception exception, int count, int attempts);

    [LoggerMessage(EventId = 3604, Level = LogLevel.Warning, Message = "Risk snapshot read the history with {Pending} changes still unwritten after waiting")]
    public static partial void FlushTimedOut(ILogger logger, long pending);
}
