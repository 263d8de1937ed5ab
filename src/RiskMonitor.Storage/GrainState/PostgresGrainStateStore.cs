using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Storage.Diagnostics;

namespace RiskMonitor.Storage.GrainState;

/// <summary>A grain's stored state: its version (the ETag the next write must name) and its serialized payload.</summary>
public sealed record StoredGrainState(long Version, ReadOnlyMemory<byte> Payload);

/// <summary>The stored version is not the one the write named: another activation wrote meanwhile, or a write timed out but landed.</summary>
public sealed class GrainStateConflictException(string grainId, string stateName)
    : Exception($"The stored state '{stateName}' of grain '{grainId}' has another version than the one written over.");

/// <summary>
/// Grain state in PostgreSQL by group commit (docs/decisions/0045-grain-state-by-group-commit.md). Writes that arrive
/// while a batch is being committed wait and go together in the next: one multi-row statement and one commit (with
/// fsync, as deployed) for up to <see cref="MaxBatch"/> grains, on one connection however many grains are active. An
/// alert storm of 10,000 assets was 20,000 Orleans ADO.NET transactions, the largest single cost in PostgreSQL; here it
/// is a few dozen. A failed batch fails every write in it, and each grain's write-behind retries its own.
/// </summary>
public sealed class PostgresGrainStateStore : IAsyncDisposable
{
    /// <summary>Rows per statement: large enough that a storm is a few dozen commits, small enough for one round trip.</summary>
    public const int MaxBatch = 500;

    public const string MeterName = "RiskMonitor.GrainState";

    private const string WriteSql = """
        INSERT INTO grain_state (grain_id, state_name, version, payload, updated_at)
        SELECT g, s, v, p, now() FROM unnest(@g, @s, @v, @p) AS w (g, s, v, p)
        ON CONFLICT (grain_id, state_name) DO UPDATE
            SET version = EXCLUDED.version, payload = EXCLUDED.payload, updated_at = EXCLUDED.updated_at
            WHERE grain_state.version = EXCLUDED.version - 1
        RETURNING grain_id, state_name
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Counter<long> _written;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _conflicts;
    private readonly Histogram<double> _commitSeconds;
    private readonly Task _loop;

    /// <param name="connectionString">Its own pool (<c>Postgres:GrainStateMaxPoolSize</c>): activating grains read through it.</param>
    public PostgresGrainStateStore(string connectionString, IMeterFactory meters, ILogger<PostgresGrainStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
        var meter = meters.Create(MeterName);
        _written = meter.CreateCounter<long>("rm_grain_state_written", "{state}", "Grain states written to PostgreSQL by group commit");
        _batches = meter.CreateCounter<long>("rm_grain_state_batches", "{batch}", "Group commits of grain state (one statement and commit each)");
        _conflicts = meter.CreateCounter<long>("rm_grain_state_conflicts", "{state}", "Grain state writes refused because the stored version had moved");
        _commitSeconds = meter.CreateHistogram<double>("rm_grain_state_commit_seconds", "s", "Time to write and commit one batch of grain states");
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The stored state, or null when the grain has none.</summary>
    public async Task<StoredGrainState?> ReadAsync(string grainId, string stateName, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT version, payload FROM grain_state WHERE grain_id = @g AND state_name = @s");
        command.Parameters.AddWithValue("g", grainId);
        command.Parameters.AddWithValue("s", stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredGrainState(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    /// <summary>
    /// Whether the Orleans ADO.NET storage holds any grain state (stored before decision 0045). Asked once per node: on a
    /// system installed after it, an activating grain then skips a second read that would find nothing.
    /// </summary>
    public async Task<bool> EarlierStatesExistAsync(CancellationToken cancellationToken = default)
    {
        // Two statements: a query naming a table that does not exist fails to parse, whatever its WHERE says.
        await using var table = _dataSource.CreateCommand("SELECT to_regclass('orleansstorage') IS NOT NULL");
        if (await table.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return false;
        }

        await using var rows = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM orleansstorage)");
        return await rows.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Writes <paramref name="payload"/> over the version <paramref name="expectedVersion"/> (null: the grain has no
    /// stored state yet) and returns the new version, once committed together with whatever else was waiting.
    /// </summary>
    /// <exception cref="GrainStateConflictException">The stored version is another one.</exception>
    public Task<long> WriteAsync(string grainId, string stateName, long? expectedVersion, byte[] payload)
    {
        var pending = new PendingWrite(grainId, stateName, (expectedVersion ?? 0) + 1, payload);
        return _writes.Writer.TryWrite(pending) ? pending.Done.Task : Task.FromException<long>(new ObjectDisposedException(nameof(PostgresGrainStateStore)));
    }

    /// <summary>Removes the stored state if it is still at <paramref name="expectedVersion"/>.</summary>
    public async Task ClearAsync(string grainId, string stateName, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        if (expectedVersion is null)
        {
            return; // nothing stored that this activation knows of
        }

        await using var command = _dataSource.CreateCommand("DELETE FROM grain_state WHERE grain_id = @g AND state_name = @s AND version = @v");
        command.Parameters.AddWithValue("g", grainId);
        command.Parameters.AddWithValue("s", stateName);
        command.Parameters.AddWithValue("v", expectedVersion.Value);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new GrainStateConflictException(grainId, stateName);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _loop;
        await _dataSource.DisposeAsync();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var keys = new HashSet<(string, string)>();
        var later = new Queue<PendingWrite>();
        while (later.Count > 0 || await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            keys.Clear();
            var carried = later.Count;
            // A grain's second write (another activation, or a retry racing its first) waits for the next batch: one
            // statement cannot update a row twice, and the newer write must land after the older.
            while (batch.Count < MaxBatch && (carried-- > 0 ? later.TryDequeue(out var write) : _writes.Reader.TryRead(out write)))
            {
                if (keys.Add((write.GrainId, write.StateName)))
                {
                    batch.Add(write);
                }
                else
                {
                    later.Enqueue(write);
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        HashSet<(string, string)> landed;
        try
        {
            await using var command = _dataSource.CreateCommand(WriteSql);
            command.Parameters.Add(new NpgsqlParameter<string[]>("g", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batch.Select(w => w.GrainId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]>("s", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batch.Select(w => w.StateName)] });
            command.Parameters.Add(new NpgsqlParameter<long[]>("v", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. batch.Select(w => w.Version)] });
            command.Parameters.Add(new NpgsqlParameter<byte[][]>("p", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. batch.Select(w => w.Payload)] });
            landed = new HashSet<(string, string)>(batch.Count);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                landed.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        catch (Exception ex)
        {
            GrainStateLog.BatchFailed(_logger, batch.Count, ex.GetBaseException().Message);
            foreach (var write in batch)
            {
                write.Done.TrySetException(ex);
            }

            return;
        }

        _commitSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _batches.Add(1);
        var conflicts = 0;
        foreach (var write in batch)
        {
            if (landed.Contains((write.GrainId, write.StateName)))
            {
                write.Done.TrySetResult(write.Version);
            }
            else
            {
                conflicts++;
                write.Done.TrySetException(new GrainStateConflictException(write.GrainId, write.StateName));
            }
        }

        _written.Add(batch.Count - conflicts);
        if (conflicts > 0)
        {
            _conflicts.Add(conflicts);
        }
    }

    private sealed class PendingWrite(string grainId, string stateName, long version, byte[] payload)
    {
        public string GrainId { get; } = grainId;

        public string StateName { get; } = stateName;

        /// <summary>The version this write creates.</summary>
        public long Version { get; } = version;

        public byte[] Payload { get; } = payload;

        // Continuations run off the writer's loop, so a grain's next step never holds up the next batch.
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal static partial class GrainStateLog
{
    private static readonly LogGate Gate = new(TimeSpan.FromSeconds(30));

    // Each grain's write-behind also logs its retries (2701); this line says why the batch as a whole failed, at most
    // once per 30 s per node while the failures go on.
    [LoggerMessage(EventId = 3750, Level = LogLevel.Warning,
        Message = "A batch of {Count} grain states was not written ({Reason}); each grain retries. Failed batches not logged since the last such line: {Held}")]
    private static partial void BatchFailed(ILogger logger, int count, string reason, long held);

    public static void BatchFailed(ILogger logger, int count, string reason)
    {
        if (Gate.TryPass(out var held))
        {
            BatchFailed(logger, count, reason, held);
        }
    }
}
