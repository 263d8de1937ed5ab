using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Messaging;

/// <summary>
/// Every e-mail and text message sent (or held for quiet hours) for an escalation notice, and the delivery receipts the
/// providers send back (docs/decisions/0036-people-are-told.md). Rows are appended; a receipt fills in the outcome of
/// the row with its provider message id.
/// </summary>
public interface IDeliveryLog
{
    Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken = default);

    /// <summary>Applies a provider's receipt; false when no sent message has that provider id.</summary>
    Task<bool> ApplyReceiptAsync(string channel, string providerMessageId, DeliveryStatus status, string? providerStatus, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The messages of one alert (or all), newest first.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(string? alertId, int limit, CancellationToken cancellationToken = default);
}

public enum DeliveryStatus
{
    /// <summary>The provider took it; no receipt yet.</summary>
    Sent,

    /// <summary>Held back: the person's quiet hours, and the notice was below red.</summary>
    Quiet,

    /// <summary>The provider's receipt says it reached the handset or mailbox.</summary>
    Delivered,

    /// <summary>The provider's receipt says it did not (unknown number, switched off past the provider's validity).</summary>
    Undelivered,
}

/// <param name="Key">The delivery's name in the outbox (<c>email:张三</c>, <c>sms:张三</c>); the channel is its prefix.</param>
public sealed record DeliveryRecord(
    long NoticeId,
    string AlertId,
    int Step,
    string Key,
    string Address,
    string? ProviderMessageId,
    DeliveryStatus Status,
    string? ProviderStatus,
    DateTimeOffset At)
{
    public string Channel => Key.Split(':', 2)[0];

    public DateTimeOffset? ReceiptAt { get; init; }
}

public static class DeliveryLogHosting
{
    /// <summary>The log on PostgreSQL when <c>ConnectionStrings:RiskMonitor</c> is set (after <c>AddRiskMonitorStores</c>), else in memory.</summary>
    public static IServiceCollection AddDeliveryLog(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.RiskMonitorConnectionString() is null)
        {
            services.TryAddSingleton<IDeliveryLog, InMemoryDeliveryLog>();
        }
        else
        {
            services.TryAddSingleton<IDeliveryLog, PostgresDeliveryLog>();
        }

        return services;
    }
}
