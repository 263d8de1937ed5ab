using RiskMonitor.Domain.Integration;

namespace RiskMonitor.Storage.Integration;

/// <summary>
/// A push subscription to the integration feed: events after <see cref="Cursor"/> that pass the filters are POSTed to
/// <see cref="Url"/>, signed with <see cref="Secret"/>. <see cref="Cursor"/> is the last event the subscriber answered
/// 2xx for, so delivery resumes there after a failure or a restart.
/// </summary>
public sealed record WebhookSubscription(
    string SubscriptionId, string Owner, Uri Url, string Secret, IReadOnlyList<string>? Types, string? RegionId,
    DateTimeOffset CreatedAt, long Cursor, WebhookHealth Health, DateTimeOffset? LastDeliveredAt);

/// <summary>Webhook subscriptions and their delivery cursors.</summary>
public interface IWebhookStore
{
    Task CreateAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>Subscriptions not deleted, of one owner or (null) all, oldest first.</summary>
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? owner, CancellationToken cancellationToken = default);

    Task<WebhookSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Stops deliveries for good; the row stays (audit). False when unknown or deleted already.</summary>
    Task<bool> DeleteAsync(string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The subscriber took the event at <paramref name="cursor"/>: moves the cursor (never back) and stores its health.</summary>
    Task AdvanceAsync(string subscriptionId, long cursor, DateTimeOffset at, WebhookHealth health, CancellationToken cancellationToken = default);

    /// <summary>Stores the health after a failed delivery; the cursor stays.</summary>
    Task RecordHealthAsync(string subscriptionId, WebhookHealth health, CancellationToken cancellationToken = default);
}
