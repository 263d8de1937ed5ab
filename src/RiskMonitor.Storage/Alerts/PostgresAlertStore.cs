using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Notifications;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Alerts;

/// <summary>
/// The alert store on PostgreSQL (tables <c>alerts</c> and <c>alert_ledger</c>, migration 0005). Each change also
/// appends its <c>alert.*</c> event to <c>feed_events</c> in the same transaction (migration 0008).
/// </summary>
internal sealed class PostgresAlertStore(NpgsqlDataSource dataSource, FeedSignal? feedSignal = null) : IAlertStore
{
    private const string Columns = "alert";

    public async Task<int> RecordAsync(AlertRecord change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var after = change.After;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The row's version is bumped under its row lock, so concurrent writers of one alert get distinct sequence
        // numbers; the unique (alert_id, seq) catches anything that slips past.
        int sequence;
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO alerts (alert_id, asset_id, rule_id, region_id, kind, industry, severity, severity_rank, state,
                                condition_active, assignee, cause, raised_at, updated_at, closed_at, version, alert)
            VALUES (@alert_id, @asset_id, @rule_id, @region_id, @kind, @industry, @severity, @severity_rank, @state,
                    @condition_active, @assignee, @cause, @raised_at, @updated_at, @closed_at, 1, @alert)
            ON CONFLICT (alert_id) DO UPDATE SET
                severity = excluded.severity, severity_rank = excluded.severity_rank, state = excluded.state,
                condition_active = excluded.condition_active, assignee = excluded.assignee, cause = excluded.cause,
                updated_at = excluded.updated_at, closed_at = excluded.closed_at, alert = excluded.alert,
                version = alerts.version + 1
            RETURNING version
            """, connection, transaction))
        {
            var p = upsert.Parameters;
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
            p.AddWithValue("assignee", (object?)after.Assignee ?? DBNull.Value);
            p.AddWithValue("cause", (object?)after.Cause ?? DBNull.Value);
            p.AddWithValue("raised_at", after.RaisedAt.ToUniversalTime());
            p.AddWithValue("updated_at", after.UpdatedAt.ToUniversalTime());
            p.AddWithValue("closed_at", after.State == AlertState.Closed ? change.At.ToUniversalTime() : DBNull.Value);
            p.Add(new NpgsqlParameter("alert", NpgsqlDbType.Jsonb) { Value = Json(after) });
            sequence = (int)(await upsert.ExecuteScalarAsync(cancellationToken))!;
        }

        await InsertLedgerAsync(connection, transaction, after.AlertId, sequence, change.At, change.Action, change.Actor, change.Note,
            change.Before, after, cancellationToken);
        await AppendFeedAsync(connection, transaction, change.Action, change.Actor, change.Note, change.At, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feedSignal?.Pulse();
        return sequence;
    }

    public Task<bool> AppendAsync(
        string alertId, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        AppendCoreAsync(alertId, action, actor, note, at, null, cancellationToken);

    public Task<bool> AppendEscalationAsync(
        string alertId, string note, EscalationNotice notice, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return AppendCoreAsync(alertId, AlertLedgerActions.Escalated, AlertLedgerActions.SystemActor, note, at, notice, cancellationToken);
    }

    private async Task<bool> AppendCoreAsync(
        string alertId, string action, string actor, string? note, DateTimeOffset at, EscalationNotice? notice, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int sequence;
        AlertView alert;
        await using (var bump = new NpgsqlCommand(
            "UPDATE alerts SET version = version + 1 WHERE alert_id = @alert_id RETURNING version, alert::text", connection, transaction))
        {
            bump.Parameters.AddWithValue("alert_id", alertId);
            await using var reader = await bump.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            sequence = reader.GetInt32(0);
            alert = Parse(reader.GetString(1));
        }

        await InsertLedgerAsync(connection, transaction, alertId, sequence, at, action, actor, note, alert, alert, cancellationToken);
        if (notice is not null)
        {
            await PostgresNotificationOutbox.AddAsync(connection, transaction, notice, at, cancellationToken);
        }

        await AppendFeedAsync(connection, transaction, action, actor, note, at, alert, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feedSignal?.Pulse();
        return true;
    }

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
                   (SELECT count(*) FROM alert_ledger l WHERE l.alert_id = a.alert_id AND l.action = 'escalated')
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
                (int)reader.GetInt64(6)));
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

    /// <summary>The change's feed event: the last statement before the commit, since it holds the feed's append lock until then.</summary>
    private static Task<long> AppendFeedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string action, string actor, string? note, DateTimeOffset at,
        AlertView alert, CancellationToken cancellationToken) =>
        PostgresFeedStore.AppendAsync(connection, transaction, FeedEventTypes.ForAlertAction(action), FeedEventTypes.AlertSchemaVersion, at,
            alert.AssetId, alert.RegionId, new AlertFeedPayload(action, actor, note, alert).ToJson(), cancellationToken);

    private static async Task InsertLedgerAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string alertId, int sequence, DateTimeOffset at, string action,
        string actor, string? note, AlertView? before, AlertView after, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO alert_ledger (alert_id, seq, at, action, actor, note, state_before, state_after, alert_before, alert_after)
            VALUES (@alert_id, @seq, @at, @action, @actor, @note, @state_before, @state_after, @alert_before, @alert_after)
            """, connection, transaction);
        var p = insert.Parameters;
        p.AddWithValue("alert_id", alertId);
        p.AddWithValue("seq", sequence);
        p.AddWithValue("at", at.ToUniversalTime());
        p.AddWithValue("action", action);
        p.AddWithValue("actor", actor);
        p.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
        p.Add(new NpgsqlParameter("state_before", NpgsqlDbType.Text) { Value = before is null ? DBNull.Value : StorageJson.Name(before.State) });
        p.AddWithValue("state_after", StorageJson.Name(after.State));
        p.Add(new NpgsqlParameter("alert_before", NpgsqlDbType.Jsonb) { Value = before is null ? DBNull.Value : Json(before) });
        p.Add(new NpgsqlParameter("alert_after", NpgsqlDbType.Jsonb) { Value = Json(after) });
        await insert.ExecuteNonQueryAsync(cancellationToken);
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

    private static string Json(AlertView alert) => JsonSerializer.Serialize(alert, StorageJson.Options);

    private static AlertView Parse(string json) =>
        JsonSerializer.Deserialize<AlertView>(json, StorageJson.Options) ?? throw new InvalidDataException("An alert row holds JSON null.");
}
