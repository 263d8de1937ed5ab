using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Storage.Postgres;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Storage.Reports;

/// <summary>
/// Who receives which circular by e-mail (migration 0061, decision 0056): versioned like the responsibility registry (a
/// write names the version it replaces), retired rather than deleted, each change kept with its actor.
/// </summary>
public interface IReportSubscriptionStore
{
    /// <summary>All of them, retired ones included, by id.</summary>
    Task<IReadOnlyList<ReportSubscription>> ListAsync(CancellationToken cancellationToken = default);

    Task<ReportSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="expectedVersion"/> null) or replaces one; a replace keeps the creation time.</summary>
    Task<RegistryWrite> SaveAsync(ReportSubscription subscription, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);
}

/// <summary>The subscriptions of a server run without PostgreSQL: the same checks, nothing survives the process.</summary>
public sealed class InMemoryReportSubscriptionStore : IReportSubscriptionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ReportSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<(string Id, int Version, string Actor)> _changes = [];

    /// <summary>Every change as (id, version, actor), oldest first: the in-memory registry_changes.</summary>
    public IReadOnlyList<(string Id, int Version, string Actor)> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    public Task<IReadOnlyList<ReportSubscription>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ReportSubscription>>([.. _subscriptions.Values.OrderBy(s => s.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<ReportSubscription?> FindAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_subscriptions.GetValueOrDefault(subscriptionId));
        }
    }

    public Task<RegistryWrite> SaveAsync(ReportSubscription subscription, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_gate)
        {
            var current = _subscriptions.GetValueOrDefault(subscription.Id);
            if (ResponsibilityWrites.CheckVersion(current?.Version, expectedVersion) is { } refused)
            {
                return Task.FromResult(refused);
            }

            var version = (current?.Version ?? 0) + 1;
            _subscriptions[subscription.Id] = subscription with { Version = version, CreatedAt = current?.CreatedAt ?? subscription.CreatedAt };
            _changes.Add((subscription.Id, version, actor));
            return Task.FromResult(RegistryWrite.Saved(version));
        }
    }
}

public static class ReportSubscriptionStorageExtensions
{
    /// <summary>PostgreSQL when <c>ConnectionStrings:RiskMonitor</c> is set, else in memory.</summary>
    public static IHostApplicationBuilder AddReportSubscriptionStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.RiskMonitorConnectionString() is null)
        {
            builder.Services.TryAddSingleton<IReportSubscriptionStore, InMemoryReportSubscriptionStore>();
        }
        else
        {
            builder.Services.TryAddSingleton<IReportSubscriptionStore>(sp => new PostgresReportSubscriptionStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }

        return builder;
    }
}
