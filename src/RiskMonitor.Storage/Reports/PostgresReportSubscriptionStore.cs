using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Storage.Postgres;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Storage.Reports;

/// <summary>The subscriptions in PostgreSQL (table <c>report_subscriptions</c>, migration 0061); changes in <c>registry_changes</c>.</summary>
internal sealed class PostgresReportSubscriptionStore(NpgsqlDataSource dataSource) : IReportSubscriptionStore
{
    public async Task<IReadOnlyList<ReportSubscription>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body::text, version FROM report_subscriptions ORDER BY subscription_id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<ReportSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body::text, version FROM report_subscriptions WHERE subscription_id = @id");
        command.Parameters.AddWithValue("id", subscriptionId);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<RegistryWrite> SaveAsync(ReportSubscription subscription, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ReportSubscription? current;
        await using (var read = new NpgsqlCommand("SELECT body::text, version FROM report_subscriptions WHERE subscription_id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", subscription.Id);
            current = (await ReadAsync(read, cancellationToken)).FirstOrDefault();
        }

        if (ResponsibilityWrites.CheckVersion(current?.Version, expectedVersion) is { } refused)
        {
            return refused;
        }

        // Two creates of one id racing: the second's insert conflicts and it is told the id exists.
        var version = (current?.Version ?? 0) + 1;
        var saved = subscription with { Version = version, CreatedAt = current?.CreatedAt ?? subscription.CreatedAt };
        var body = JsonSerializer.Serialize(saved, StorageJson.Options);
        await using (var write = new NpgsqlCommand(current is null
            ? """
              INSERT INTO report_subscriptions (subscription_id, version, retired, updated_at, updated_by, body)
              VALUES (@id, @version, @retired, @at, @actor, @body) ON CONFLICT (subscription_id) DO NOTHING
              """
            : """
              UPDATE report_subscriptions SET version = @version, retired = @retired, updated_at = @at, updated_by = @actor, body = @body
              WHERE subscription_id = @id
              """, connection, transaction))
        {
            var p = write.Parameters;
            p.AddWithValue("id", saved.Id);
            p.AddWithValue("version", version);
            p.AddWithValue("retired", saved.Retired);
            p.AddWithValue("at", at.ToUniversalTime());
            p.AddWithValue("actor", actor);
            p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = body });
            if (await write.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return new RegistryWrite(RegistryWriteOutcome.Exists, 1);
            }
        }

        await using (var audit = new NpgsqlCommand(
            "INSERT INTO registry_changes (entity, entity_id, version, actor, at, body) VALUES ('report_subscription', @id, @version, @actor, @at, @body)",
            connection, transaction))
        {
            var p = audit.Parameters;
            p.AddWithValue("id", saved.Id);
            p.AddWithValue("version", version);
            p.AddWithValue("actor", actor);
            p.AddWithValue("at", at.ToUniversalTime());
            p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = body });
            await audit.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return RegistryWrite.Saved(version);
    }

    private static async Task<List<ReportSubscription>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<ReportSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var subscription = JsonSerializer.Deserialize<ReportSubscription>(reader.GetString(0), StorageJson.Options)
                ?? throw new InvalidDataException("A report subscription row holds JSON null.");
            list.Add(subscription with { Version = reader.GetInt32(1) });
        }

        return list;
    }
}
