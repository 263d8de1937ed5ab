using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Alerts;

/// <summary>
/// The alert store on PostgreSQL (tables <c>alerts</c> and <c>alert_ledger</c>, migration 0005). Each change also
/// appends its <c>alert.*</c> event to <c>feed_events</c> in the same transaction (migration 0008). As deployed it sits
/// behind <see cref="JournalledAlertStore"/>, which hands it changes in batches (<see cref="WriteBatchAsync"/>).
/// </summary>
internal sealed class PostgresAlertStore(NpgsqlDataSource dataSource, FeedSignal? feedSignal = null) : IAlertStore
{
    private const string Columns = "alert";
    private const int RaisedForAssetsIdsPerStatement = 2_000;

    public async Task<int> RecordAsync(AlertRecord change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return await WriteOneAsync(AlertJournalEntry.ForRecord(change), cancellationToken) ?? throw new InvalidOperationException("An alert record wrote no ledger line.");
    }

    public async Task<bool> AppendAsync(
        string alertId, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await WriteOneAsync(AlertJournalEntry.ForAppend(alertId, action, actor, note, at), cancellationToken) is not null;

    public async Task<bool> AppendEscalationAsync(
        string alertId, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return await WriteOneAsync(AlertJournalEntry.ForEscalation(alertId, note, notice, at), cancellationToken) is not null;
    }

    public async Task<bool> AppendNoticeAsync(
        string alertId, string action, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return await WriteOneAsync(AlertJournalEntry.ForNotice(alertId, action, note, notice, at), cancellationToken) is not null;
    }

    /// <summary>
    /// Writes a batch of journalled changes and the journal's checkpoint in one transaction (the group commit). Returns
    /// each entry's ledger sequence (null: a ledger-only line of an unknown alert) and how many of the first entries had
    /// been written before (their sequences are null too).
    /// </summary>
    /// <remarks>
    /// With a checkpoint, the entries at or below the position already written are skipped, read under the checkpoint
    /// row's lock: a commit that went through although its answer never came back (the connection cut, the server
    /// stopped or frozen between COMMIT and its reply) is retried by the writer, and must not land twice. A transaction
    /// of this node still alive on a server that was frozen holds that lock until it ends, so the retry waits for it.
    /// </remarks>
    internal async Task<(int?[] Sequences, int WrittenBefore)> WriteBatchAsync(
        IReadOnlyList<AlertJournalEntry> entries, (string NodeId, long Position)? checkpoint, CancellationToken cancellationToken)
    {
        var sequences = new int?[entries.Count];
        var skip = 0;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (checkpoint is { } mark)
            {
                var written = await AlertChangeBatch.LockCheckpointAsync(connection, transaction, mark.NodeId, cancellationToken);
                while (skip < entries.Count && entries[skip].Position <= written)
                {
                    skip++;
                }

                checkpoint = mark.Position > written ? mark : null;
            }

            var rest = skip == 0 ? entries : entries.Skip(skip).ToList();
            if (rest.Count > 0 || checkpoint is not null)
            {
                (await AlertChangeBatch.WriteAsync(connection, transaction, rest, checkpoint, cancellationToken)).CopyTo(sequences, skip);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        feedSignal?.Pulse();
        return (sequences, skip);
    }

    /// <summary>The position this node's journal was written up to, 0 for a new node.</summary>
    internal async Task<long> ReadCheckpointAsync(string nodeId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT position FROM alert_journal_checkpoints WHERE node_id = @node_id");
        command.Parameters.AddWithValue("node_id", nodeId);
        return await command.ExecuteScalarAsync(cancellationToken) is long position ? position : 0;
    }

    private async Task<int?> WriteOneAsync(AlertJournalEntry entry, CancellationToken cancellationToken) =>
        (await WriteBatchAsync([entry], null, cancellationToken)).Sequences[0];

    public async Task<IReadOnlyList<AlertView>> LoadNotClosedAsync(string? assetId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns}::text FROM alerts WHERE state <> 'closed' AND (@asset_id::text IS NULL OR asset_id = @asset_id) ORDER BY raised_at, alert_id");
        command.Parameters.Add(new NpgsqlParameter("asset_id", NpgsqlDbType.Text) { Value = (object?)assetId ?? DBNull.Value });
        return await ReadAlertsAsync(command, cancellationToken);
    }

    public async Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns}::text FROM alerts WHERE alert_id = @alert_id");
        command.Parameters.AddWithValue("alert_id", alertId);
        return (await ReadAlertsAsync(command, cancellationToken)) is [var alert] ? alert : null;
    }

    public async Task<IReadOnlyList<AlertLedgerEntry>> HistoryAsync(string alertId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT seq, at, action, actor, note, state_before, state_after, alert_before::text, alert_after::text
            FROM alert_ledger WHERE alert_id = @alert_id ORDER BY seq
            """);
        command.Parameters.AddWithValue("alert_id", alertId);
        var entries = new List<AlertLedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AlertLedgerEntry(
                reader.GetInt32(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : StorageJson.Parse<AlertState>(reader.GetString(5)),
                StorageJson.Parse<AlertState>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : Parse(reader.GetString(7)),
                Parse(reader.GetString(8))));
        }

        return entries;
    }

    public async Task<IReadOnlyList<AlertFacts>> KpiFactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        // One pass over the period's alerts; the ledger lookups use its (alert_id, seq) index.
        await using var command = dataSource.CreateCommand("""
            SELECT a.alert_id, a.severity_rank, a.raised_at, a.closed_at, a.cause,
                   (SELECT min(l.at) FROM alert_ledger l WHERE l.alert_id = a.alert_id AND l.action IN ('acknowledged', 'work_started')),
                   (SELECT count(*) FROM alert_ledger l WHERE l.alert_id = a.alert_id AND l.action = 'escalated'),
                   a.asset_id, a.region_id
            FROM alerts a
            WHERE a.raised_at >= @from AND a.raised_at < @to
            ORDER BY a.raised_at, a.alert_id
            """);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
        var facts = new List<AlertFacts>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            facts.Add(new AlertFacts(
                reader.GetString(0),
                (WarningLevel)reader.GetInt16(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                (int)reader.GetInt64(6))
            {
                AssetId = reader.GetString(7),
                RegionId = reader.GetString(8),
            });
        }

        return facts;
    }

    public async Task<AlertQueryResult> QueryAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns}::text, count(*) OVER () FROM alerts
            WHERE (@state::text IS NULL OR state = @state)
              AND (@asset_id::text IS NULL OR asset_id = @asset_id)
              AND (@region_id::text IS NULL OR region_id = @region_id)
              AND (@min_rank::smallint IS NULL OR severity_rank >= @min_rank)
              AND (@raised_from::timestamptz IS NULL OR raised_at >= @raised_from)
              AND (@raised_to::timestamptz IS NULL OR raised_at < @raised_to)
            ORDER BY raised_at DESC, alert_id
            OFFSET @offset LIMIT @limit
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("state", NpgsqlDbType.Text) { Value = query.State is { } state ? StorageJson.Name(state) : DBNull.Value });
        p.Add(new NpgsqlParameter("asset_id", NpgsqlDbType.Text) { Value = (object?)query.AssetId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)query.RegionId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("min_rank", NpgsqlDbType.Smallint) { Value = query.MinSeverity is { } min ? (short)min : DBNull.Value });
        p.Add(new NpgsqlParameter("raised_from", NpgsqlDbType.TimestampTz) { Value = query.RaisedFrom is { } from ? from.ToUniversalTime() : DBNull.Value });
        p.Add(new NpgsqlParameter("raised_to", NpgsqlDbType.TimestampTz) { Value = query.RaisedTo is { } to ? to.ToUniversalTime() : DBNull.Value });
        p.AddWithValue("offset", Math.Max(0, query.Offset));
        p.AddWithValue("limit", Math.Clamp(query.Limit, 1, 10_000));

        var items = new List<AlertView>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Parse(reader.GetString(0)));
            total = (int)reader.GetInt64(1);
        }

        return new AlertQueryResult(total, items);
    }

    public async Task<IReadOnlyList<AlertView>> RaisedForAssetsAsync(
        IReadOnlyCollection<string> assetIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var alerts = new List<AlertView>();
        // A few thousand ids a statement: each is one probe of alerts_by_asset (asset_id, raised_at), and a job of
        // every asset of a large city stays a handful of statements.
        foreach (var ids in assetIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(RaisedForAssetsIdsPerStatement))
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT {Columns}::text FROM alerts
                WHERE asset_id = ANY(@asset_ids) AND raised_at >= @from AND raised_at < @to
                ORDER BY asset_id COLLATE "C", raised_at, alert_id
                """);
            command.Parameters.Add(new NpgsqlParameter("asset_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            command.Parameters.AddWithValue("from", from.ToUniversalTime());
            command.Parameters.AddWithValue("to", to.ToUniversalTime());
            alerts.AddRange(await ReadAlertsAsync(command, cancellationToken));
        }

        return alerts;
    }

    private static async Task<IReadOnlyList<AlertView>> ReadAlertsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var alerts = new List<AlertView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(Parse(reader.GetString(0)));
        }

        return alerts;
    }

    private static AlertView Parse(string json) =>
        JsonSerializer.Deserialize<AlertView>(json, StorageJson.Options) ?? throw new InvalidDataException("An alert row holds JSON null.");
}
