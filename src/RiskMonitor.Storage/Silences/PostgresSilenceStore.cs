using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Silences;

/// <summary>Silences on PostgreSQL (tables <c>silences</c> and <c>silence_ledger</c>, migration 0009), each change with its feed event.</summary>
internal sealed class PostgresSilenceStore(NpgsqlDataSource dataSource, FeedSignal? feedSignal = null) : ISilenceStore
{
    public async Task CreateAsync(Silence silence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silence);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO silences (silence_id, scope, target, starts_at, ends_at, author, reason, created_at, silence)
            VALUES (@id, @scope, @target, @starts_at, @ends_at, @author, @reason, @created_at, @silence)
            """, connection, transaction))
        {
            var p = insert.Parameters;
            p.AddWithValue("id", silence.SilenceId);
            p.AddWithValue("scope", StorageJson.Name(silence.Scope));
            p.AddWithValue("target", silence.Target);
            p.AddWithValue("starts_at", silence.StartsAt.ToUniversalTime());
            p.AddWithValue("ends_at", silence.EndsAt.ToUniversalTime());
            p.AddWithValue("author", silence.Author);
            p.AddWithValue("reason", silence.Reason);
            p.AddWithValue("created_at", silence.CreatedAt.ToUniversalTime());
            p.Add(new NpgsqlParameter("silence", NpgsqlDbType.Jsonb) { Value = Json(silence) });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await RecordAsync(connection, transaction, SilenceFeedPayload.Created, silence.Author, silence.Reason, silence, silence.CreatedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feedSignal?.Pulse();
    }

    public async Task<(SilenceExpiry Outcome, Silence? Silence)> ExpireAsync(
        string silenceId, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Silence silence;
        await using (var read = new NpgsqlCommand("SELECT silence::text, expired_at, expired_by FROM silences WHERE silence_id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", silenceId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (SilenceExpiry.Unknown, null);
            }

            silence = Read(reader);
        }

        if (!silence.Pending(at))
        {
            return (SilenceExpiry.AlreadyOver, silence);
        }

        var expired = silence with { ExpiredAt = at, ExpiredBy = actor };
        await using (var update = new NpgsqlCommand(
            "UPDATE silences SET expired_at = @at, expired_by = @actor WHERE silence_id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("id", silenceId);
            update.Parameters.AddWithValue("at", at.ToUniversalTime());
            update.Parameters.AddWithValue("actor", actor);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await RecordAsync(connection, transaction, SilenceFeedPayload.Expired, actor, note, expired, at, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feedSignal?.Pulse();
        return (SilenceExpiry.Expired, expired);
    }

    public async Task<Silence?> FindAsync(string silenceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT silence::text, expired_at, expired_by FROM silences WHERE silence_id = @id");
        command.Parameters.AddWithValue("id", silenceId);
        return (await ReadAllAsync(command, cancellationToken)) is [var silence] ? silence : null;
    }

    public async Task<IReadOnlyList<Silence>> ListAsync(DateTimeOffset now, bool includeEnded = false, CancellationToken cancellationToken = default)
    {
        // least() skips nulls: the effective end is the expiry when there is one and it came first.
        await using var command = dataSource.CreateCommand("""
            SELECT silence::text, expired_at, expired_by FROM silences
            WHERE @all OR least(ends_at, expired_at) > @now
            ORDER BY created_at DESC, silence_id
            LIMIT 10000
            """);
        command.Parameters.AddWithValue("all", includeEnded);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        return await ReadAllAsync(command, cancellationToken);
    }

    private static async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string action, string actor, string? note, Silence silence, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using (var ledger = new NpgsqlCommand("""
            INSERT INTO silence_ledger (silence_id, at, action, actor, note, silence) VALUES (@id, @at, @action, @actor, @note, @silence)
            """, connection, transaction))
        {
            var p = ledger.Parameters;
            p.AddWithValue("id", silence.SilenceId);
            p.AddWithValue("at", at.ToUniversalTime());
            p.AddWithValue("action", action);
            p.AddWithValue("actor", actor);
            p.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
            p.Add(new NpgsqlParameter("silence", NpgsqlDbType.Jsonb) { Value = Json(silence) });
            await ledger.ExecuteNonQueryAsync(cancellationToken);
        }

        // Last before the commit: the feed's append lock is held from here to the commit.
        await PostgresFeedStore.AppendAsync(connection, transaction, SilenceFeedPayload.TypeOf(action), SilenceFeedPayload.SchemaVersion, at,
            silence.Scope == SilenceScope.Asset ? silence.Target : null, silence.Scope == SilenceScope.Region ? silence.Target : null,
            new SilenceFeedPayload(action, actor, note, silence).ToJson(), cancellationToken);
    }

    private static async Task<IReadOnlyList<Silence>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var silences = new List<Silence>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            silences.Add(Read(reader));
        }

        return silences;
    }

    // The jsonb holds the silence as created; the expiry columns are the truth about its end.
    private static Silence Read(NpgsqlDataReader reader) =>
        (JsonSerializer.Deserialize<Silence>(reader.GetString(0), StorageJson.Options) ?? throw new InvalidDataException("A silence row holds JSON null.")) with
        {
            ExpiredAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            ExpiredBy = reader.IsDBNull(2) ? null : reader.GetString(2),
        };

    private static string Json(Silence silence) => JsonSerializer.Serialize(silence, StorageJson.Options);
}
