using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Alerts.Journal;

/// <summary>
/// Writes alert changes to PostgreSQL inside the caller's transaction, many at a time and in two round trips: first
/// every change's state and ledger line (one statement each, in order, so the ledger sequence of one alert follows
/// journal order), then the outbox notices, the feed events (one multi-row insert under the feed lock) and, for the
/// journal, its checkpoint. The only place that knows how an alert change is laid out in the tables.
/// </summary>
internal static class AlertChangeBatch
{
    // State and ledger line in one statement: the row's version is bumped under its row lock and becomes the ledger
    // sequence, so concurrent writers of one alert get distinct numbers; the unique (alert_id, seq) catches the rest.
    private const string RecordSql = """
        WITH up AS (
            INSERT INTO alerts (alert_id, asset_id, rule_id, region_id, kind, industry, severity, severity_rank, state,
                                condition_active, assignee, cause, raised_at, updated_at, closed_at, version, alert)
            VALUES (@alert_id, @asset_id, @rule_id, @region_id, @kind, @industry, @severity, @severity_rank, @state,
                    @condition_active, @assignee, @cause, @raised_at, @updated_at, @closed_at, 1, @alert)
            ON CONFLICT (alert_id) DO UPDATE SET
                severity = excluded.severity, severity_rank = excluded.severity_rank, state = excluded.state,
                condition_active = excluded.condition_active, assignee = excluded.assignee, cause = excluded.cause,
                updated_at = excluded.updated_at, closed_at = excluded.closed_at, alert = excluded.alert,
                version = alerts.version + 1
            RETURNING version)
        INSERT INTO alert_ledger (alert_id, seq, at, action, actor, note, state_before, state_after, alert_before, alert_after)
        SELECT @alert_id, up.version, @at, @action, @actor, @note, @state_before, @state, @alert_before, @alert FROM up
        RETURNING seq, NULL::text
        """;

    // A line that changes no state: the alert as it stands is both its before and after. No row: an unknown alert.
    private const string AppendSql = """
        WITH up AS (UPDATE alerts SET version = version + 1 WHERE alert_id = @alert_id RETURNING version, alert)
        INSERT INTO alert_ledger (alert_id, seq, at, action, actor, note, state_before, state_after, alert_before, alert_after)
        SELECT @alert_id, up.version, @at, @action, @actor, @note, up.alert->>'state', up.alert->>'state', up.alert, up.alert FROM up
        RETURNING seq, alert_after::text
        """;

    private const string OutboxSql = """
        INSERT INTO notification_outbox (alert_id, step, created_at, payload, next_attempt_at)
        VALUES (@alert_id, @step, @at, @payload, @at)
        """;

    // One insert for the batch's feed events; WITH ORDINALITY keeps their order, so cursors follow journal order.
    private const string FeedSql = """
        INSERT INTO feed_events (type, schema_version, occurred_at, asset_id, region_id, payload)
        SELECT e.type, e.schema_version, e.occurred_at, e.asset_id, e.region_id, e.payload
        FROM unnest(@types, @schema_versions, @occurred_at, @asset_ids, @region_ids, @payloads)
             WITH ORDINALITY AS e(type, schema_version, occurred_at, asset_id, region_id, payload, ord)
        ORDER BY e.ord
        """;

    // The row is made at the node's first batch (position 0, as for a new node), so there is always a row to lock.
    private const string CheckpointRowSql = """
        INSERT INTO alert_journal_checkpoints (node_id, position, updated_at) VALUES (@node_id, 0, now())
        ON CONFLICT (node_id) DO NOTHING
        """;

    private const string LockCheckpointSql = "SELECT position FROM alert_journal_checkpoints WHERE node_id = @node_id FOR UPDATE";

    private const string CheckpointSql = """
        INSERT INTO alert_journal_checkpoints (node_id, position, updated_at) VALUES (@node_id, @position, now())
        ON CONFLICT (node_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        """;

    /// <summary>
    /// Locks the node's checkpoint row for the rest of the transaction and returns the position written up to. One
    /// round trip; a transaction of this node that still holds the row (on a server that was frozen) is waited for.
    /// </summary>
    public static async Task<long> LockCheckpointAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string nodeId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in (string[])[CheckpointRowSql, LockCheckpointSql])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("node_id", nodeId);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                return reader.GetInt64(0);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        throw new InvalidOperationException($"The journal checkpoint of node {nodeId} could not be read.");
    }

    /// <summary>
    /// Writes <paramref name="entries"/> in order and, when given, moves the journal checkpoint in the same
    /// transaction. Returns each entry's ledger sequence, or null where the alert of a ledger-only line is unknown.
    /// </summary>
    public static async Task<int?[]> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AlertJournalEntry> entries,
        (string NodeId, long Position)? checkpoint, CancellationToken cancellationToken)
    {
        var sequences = new int?[entries.Count];
        var feed = new FeedRows(entries.Count);
        var notices = new List<EscalationNoticeRow>();
        await using (var changes = new NpgsqlBatch(connection, transaction))
        {
            foreach (var entry in entries)
            {
                changes.BatchCommands.Add(entry.Kind == AlertJournalKind.Record ? RecordCommand(entry) : AppendCommand(entry));
            }

            await using var reader = await changes.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < entries.Count; i++)
            {
                if (i > 0)
                {
                    await reader.NextResultAsync(cancellationToken);
                }

                if (!await reader.ReadAsync(cancellationToken))
                {
                    continue; // a ledger-only line of an alert PostgreSQL does not know
                }

                var entry = entries[i];
                sequences[i] = reader.GetInt32(0);
                if (entry is { Kind: AlertJournalKind.Record, Record: { } record })
                {
                    feed.Add(record.Action, record.Actor, record.Note, record.At, record.After);
                    continue;
                }

                var alert = JsonSerializer.Deserialize<AlertView>(reader.GetString(1), StorageJson.Options)
                    ?? throw new InvalidDataException("An alert row holds JSON null.");
                feed.Add(entry.Action!, entry.Actor!, entry.Note, entry.At, alert);
                if (entry is { Kind: AlertJournalKind.Escalation, Notice: { } notice })
                {
                    notices.Add(new EscalationNoticeRow(notice, entry.At));
                }
            }
        }

        await using var rest = new NpgsqlBatch(connection, transaction);
        foreach (var notice in notices)
        {
            rest.BatchCommands.Add(OutboxCommand(notice));
        }

        if (feed.Count > 0)
        {
            // The feed's append lock (decision 0014), held from here to the commit: taken once per batch, not per change.
            rest.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({PostgresFeedStore.AppendLockKey})"));
            rest.BatchCommands.Add(feed.Command());
        }

        if (checkpoint is { } mark)
        {
            var command = new NpgsqlBatchCommand(CheckpointSql);
            command.Parameters.AddWithValue("node_id", mark.NodeId);
            command.Parameters.AddWithValue("position", mark.Position);
            rest.BatchCommands.Add(command);
        }

        if (rest.BatchCommands.Count > 0)
        {
            await rest.ExecuteNonQueryAsync(cancellationToken);
        }

        return sequences;
    }

    private static NpgsqlBatchCommand RecordCommand(AlertJournalEntry entry)
    {
        var change = entry.Record!;
        var after = change.After;
        var command = new NpgsqlBatchCommand(RecordSql);
        var p = command.Parameters;
        p.AddWithValue("alert_id", after.AlertId);
        p.AddWithValue("asset_id", after.AssetId);
        p.AddWithValue("rule_id", after.RuleId);
        p.AddWithValue("region_id", after.RegionId);
        p.AddWithValue("kind", after.Kind);
        p.AddWithValue("industry", after.Industry);
        p.AddWithValue("severity", StorageJson.Name(after.Severity));
        p.AddWithValue("severity_rank", (short)after.Severity);
        p.AddWithValue("state", StorageJson.Name(after.State));
        p.AddWithValue("condition_active", after.ConditionActive);
        p.Add(new NpgsqlParameter("assignee", NpgsqlDbType.Text) { Value = (object?)after.Assignee ?? DBNull.Value });
        p.Add(new NpgsqlParameter("cause", NpgsqlDbType.Text) { Value = (object?)after.Cause ?? DBNull.Value });
        p.AddWithValue("raised_at", after.RaisedAt.ToUniversalTime());
        p.AddWithValue("updated_at", after.UpdatedAt.ToUniversalTime());
        p.Add(new NpgsqlParameter("closed_at", NpgsqlDbType.TimestampTz) { Value = after.State == AlertState.Closed ? change.At.ToUniversalTime() : DBNull.Value });
        p.Add(new NpgsqlParameter("alert", NpgsqlDbType.Jsonb) { Value = Json(after) });
        p.AddWithValue("at", change.At.ToUniversalTime());
        p.AddWithValue("action", change.Action);
        p.AddWithValue("actor", change.Actor);
        p.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)change.Note ?? DBNull.Value });
        p.Add(new NpgsqlParameter("state_before", NpgsqlDbType.Text) { Value = change.Before is null ? DBNull.Value : StorageJson.Name(change.Before.State) });
        p.Add(new NpgsqlParameter("alert_before", NpgsqlDbType.Jsonb) { Value = change.Before is null ? DBNull.Value : Json(change.Before) });
        return command;
    }

    private static NpgsqlBatchCommand AppendCommand(AlertJournalEntry entry)
    {
        var command = new NpgsqlBatchCommand(AppendSql);
        var p = command.Parameters;
        p.AddWithValue("alert_id", entry.AlertId);
        p.AddWithValue("at", entry.At.ToUniversalTime());
        p.AddWithValue("action", entry.Action!);
        p.AddWithValue("actor", entry.Actor!);
        p.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)entry.Note ?? DBNull.Value });
        return command;
    }

    private static NpgsqlBatchCommand OutboxCommand(EscalationNoticeRow row)
    {
        var command = new NpgsqlBatchCommand(OutboxSql);
        var p = command.Parameters;
        p.AddWithValue("alert_id", row.Notice.Alert.AlertId);
        p.AddWithValue("step", row.Notice.Step);
        p.AddWithValue("at", row.At.ToUniversalTime());
        p.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(row.Notice, StorageJson.Options) });
        return command;
    }

    private static string Json(AlertView alert) => JsonSerializer.Serialize(alert, StorageJson.Options);

    private sealed record EscalationNoticeRow(Contracts.Notifications.EscalationNotice Notice, DateTimeOffset At);

    /// <summary>The batch's feed events as column arrays for one <c>unnest</c> insert.</summary>
    private sealed class FeedRows(int capacity)
    {
        private readonly List<string> _types = new(capacity);
        private readonly List<short> _versions = new(capacity);
        private readonly List<DateTime> _occurredAt = new(capacity);
        private readonly List<string?> _assetIds = new(capacity);
        private readonly List<string?> _regionIds = new(capacity);
        private readonly List<string> _payloads = new(capacity);

        public int Count => _types.Count;

        public void Add(string action, string actor, string? note, DateTimeOffset at, AlertView alert)
        {
            _types.Add(FeedEventTypes.ForAlert(alert, action));
            _versions.Add(FeedEventTypes.AlertSchemaVersion);
            _occurredAt.Add(at.UtcDateTime);
            _assetIds.Add(alert.AssetId);
            _regionIds.Add(alert.RegionId);
            _payloads.Add(new AlertFeedPayload(action, actor, note, alert).ToJson());
        }

        public NpgsqlBatchCommand Command()
        {
            var command = new NpgsqlBatchCommand(FeedSql);
            var p = command.Parameters;
            p.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _types.ToArray() });
            p.Add(new NpgsqlParameter("schema_versions", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = _versions.ToArray() });
            p.Add(new NpgsqlParameter("occurred_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = _occurredAt.ToArray() });
            p.Add(new NpgsqlParameter("asset_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _assetIds.ToArray() });
            p.Add(new NpgsqlParameter("region_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _regionIds.ToArray() });
            p.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = _payloads.ToArray() });
            return command;
        }
    }
}
