using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Integration;

/// <summary>Webhook subscriptions in PostgreSQL (table <c>webhook_subscriptions</c>, migration 0010).</summary>
internal sealed class PostgresWebhookStore(NpgsqlDataSource dataSource) : IWebhookStore
{
    private const string Columns = """
        subscription_id, owner, url, secret, types, region_id, created_at, cursor, state, first_failure_at,
        consecutive_failures, last_error, last_delivered_at
        """;

    public async Task CreateAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO webhook_subscriptions (subscription_id, owner, url, secret, types, region_id, created_at, cursor, state)
            VALUES (@id, @owner, @url, @secret, @types, @region_id, @created_at, @cursor, @state)
            """);
        var p = command.Parameters;
        p.AddWithValue("id", subscription.SubscriptionId);
        p.AddWithValue("owner", subscription.Owner);
        p.AddWithValue("url", subscription.Url.ToString());
        p.AddWithValue("secret", subscription.Secret);
        p.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = subscription.Types is { } t ? t.ToArray() : DBNull.Value });
        p.Add(new NpgsqlParameter("region_id", NpgsqlDbType.Text) { Value = (object?)subscription.RegionId ?? DBNull.Value });
        p.AddWithValue("created_at", subscription.CreatedAt.ToUniversalTime());
        p.AddWithValue("cursor", subscription.Cursor);
        p.AddWithValue("state", StorageJson.Name(subscription.Health.State));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? owner, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM webhook_subscriptions
            WHERE deleted_at IS NULL AND (@owner::text IS NULL OR owner = @owner)
            ORDER BY created_at, subscription_id
            """);
        command.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Text) { Value = (object?)owner ?? DBNull.Value });
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<WebhookSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM webhook_subscriptions WHERE subscription_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", subscriptionId);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<bool> DeleteAsync(string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE webhook_subscriptions SET deleted_at = @at WHERE subscription_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", subscriptionId);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task AdvanceAsync(string subscriptionId, long cursor, DateTimeOffset at, WebhookHealth health, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(health);
        await using var command = dataSource.CreateCommand("""
            UPDATE webhook_subscriptions SET cursor = GREATEST(cursor, @cursor), last_delivered_at = @at, state = @state,
                first_failure_at = @first_failure_at, consecutive_failures = @failures, last_error = @last_error
            WHERE subscription_id = @id
            """);
        command.Parameters.AddWithValue("cursor", cursor);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        AddHealth(command, subscriptionId, health);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordHealthAsync(string subscriptionId, WebhookHealth health, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(health);
        await using var command = dataSource.CreateCommand("""
            UPDATE webhook_subscriptions SET state = @state, first_failure_at = @first_failure_at, consecutive_failures = @failures,
                last_error = @last_error
            WHERE subscription_id = @id
            """);
        AddHealth(command, subscriptionId, health);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddHealth(NpgsqlCommand command, string subscriptionId, WebhookHealth health)
    {
        var p = command.Parameters;
        p.AddWithValue("id", subscriptionId);
        p.AddWithValue("state", StorageJson.Name(health.State));
        p.Add(new NpgsqlParameter("first_failure_at", NpgsqlDbType.TimestampTz) { Value = health.FirstFailureAt is { } f ? f.ToUniversalTime() : DBNull.Value });
        p.AddWithValue("failures", health.ConsecutiveFailures);
        p.Add(new NpgsqlParameter("last_error", NpgsqlDbType.Text) { Value = (object?)health.LastError ?? DBNull.Value });
    }

    private static async Task<List<WebhookSubscription>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var health = new WebhookHealth(
                StorageJson.Parse<WebhookState>(reader.GetString(8)),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetInt32(10),
                reader.IsDBNull(11) ? null : reader.GetString(11));
            list.Add(new WebhookSubscription(
                reader.GetString(0), reader.GetString(1), new Uri(reader.GetString(2)), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt64(7), health,
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return list;
    }
}

/// <summary>Webhook subscriptions of a server run without PostgreSQL; gone at restart. Public like the other in-memory stores.</summary>
public sealed class InMemoryWebhookStore : IWebhookStore
{
    private readonly ConcurrentDictionary<string, WebhookSubscription> _subscriptions = new();

    public Task CreateAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (!_subscriptions.TryAdd(subscription.SubscriptionId, subscription))
        {
            throw new InvalidOperationException($"Subscription {subscription.SubscriptionId} exists.");
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? owner, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WebhookSubscription>>([.. _subscriptions.Values
            .Where(s => owner is null || s.Owner == owner).OrderBy(s => s.CreatedAt).ThenBy(s => s.SubscriptionId, StringComparer.Ordinal)]);

    public Task<WebhookSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_subscriptions.GetValueOrDefault(subscriptionId));

    public Task<bool> DeleteAsync(string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(_subscriptions.TryRemove(subscriptionId, out _));

    public Task AdvanceAsync(string subscriptionId, long cursor, DateTimeOffset at, WebhookHealth health, CancellationToken cancellationToken = default)
    {
        Update(subscriptionId, s => s with { Cursor = Math.Max(s.Cursor, cursor), LastDeliveredAt = at, Health = health });
        return Task.CompletedTask;
    }

    public Task RecordHealthAsync(string subscriptionId, WebhookHealth health, CancellationToken cancellationToken = default)
    {
        Update(subscriptionId, s => s with { Health = health });
        return Task.CompletedTask;
    }

    private void Update(string subscriptionId, Func<WebhookSubscription, WebhookSubscription> change)
    {
        while (_subscriptions.TryGetValue(subscriptionId, out var current) && !_subscriptions.TryUpdate(subscriptionId, change(current), current))
        {
            // lost a race with another update of the same subscription: apply to the newer value
        }
    }
}
