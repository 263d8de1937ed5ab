using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Messaging;

/// <summary>
/// The outbox of messages about hazards and incidents (migration 0046, decision 0042): enqueued once per (subject,
/// kind, step), claimed with a lease, marked per delivery key so a retry sends only what did not go.
/// </summary>
public interface IRecordMessageOutbox
{
    /// <summary>
    /// Queues the message, first due at <paramref name="dueAt"/> on the sender's clock (a record's own clock may be another);
    /// false when the same (subject, kind, step) is queued already.
    /// </summary>
    Task<bool> EnqueueAsync(RecordMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<QueuedRecordMessage>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt: done when <paramref name="error"/> is null; else retried at <paramref name="nextAttemptAt"/>, or given up when that is null.</summary>
    Task MarkAsync(long messageId, IReadOnlyCollection<string> deliveredKeys, string? error, DateTimeOffset at, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>The messages of one subject (or all), newest first.</summary>
    Task<IReadOnlyList<QueuedRecordMessage>> ListAsync(string? subject, int limit, CancellationToken cancellationToken = default);
}

public sealed record QueuedRecordMessage(
    long MessageId, RecordMessage Message, int Attempts, IReadOnlyList<string> DeliveredKeys, DateTimeOffset? DeliveredAt, DateTimeOffset? FailedAt, string? LastError);

public static class RecordMessageOutboxHosting
{
    /// <summary>PostgreSQL when <c>ConnectionStrings:RiskMonitor</c> is set, else in memory.</summary>
    public static IServiceCollection AddRecordMessageOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.RiskMonitorConnectionString() is null)
        {
            services.TryAddSingleton<IRecordMessageOutbox, InMemoryRecordMessageOutbox>();
        }
        else
        {
            services.TryAddSingleton<IRecordMessageOutbox, PostgresRecordMessageOutbox>();
        }

        return services;
    }
}
