using Microsoft.Extensions.Options;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Alerts;

/// <summary>
/// Alerts (the closed loop of issue 7): the current-alert read model, seeded from the store and in a cluster following
/// the feed, and the alert API (list, steps, history, escalation status, regulatory clocks).
/// </summary>
internal static class AlertsModule
{
    /// <summary>After the stores (the seeding is a hosted service that runs before the silo starts).</summary>
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<AlertReadModel>();
        services.AddSingleton<AlertQueries>();
        services.AddSingleton<AlertCommands>();
        services.AddHostedService<AlertReadModelSeeder>();

        // In a cluster the read model also follows the PostgreSQL feed, so GET /api/alerts (and what is computed from
        // it, e.g. incidents) is the same on every node; it starts after the seeding.
        services.AddOptions<AlertReadModelFeedOptions>().BindConfiguration(AlertReadModelFeedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var configured = builder.Configuration.GetSection(AlertReadModelFeedOptions.SectionName).Get<AlertReadModelFeedOptions>();
        if (configured?.FollowFeed ?? OrleansHostOptions.From(builder.Configuration).Membership == OrleansClustering.AdoNet)
        {
            services.AddHostedService<AlertReadModelFeedFollower>();
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        routes.MapAlertEndpoints();
        routes.MapAlertClockEndpoints();
        return routes;
    }
}

/// <summary>
/// Fills the in-memory alert read model from the alert store at start, before the silo runs, so that the current-alert list
/// survives a restart. Changes that arrive later are newer and win on the read model.
/// </summary>
internal sealed class AlertReadModelSeeder(IAlertStore store, IFeedStore feed, AlertReadModel board, ILogger<AlertReadModelSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the load: a change committed in between is then read again from the feed (newest wins), never missed.
        board.SeededAtCursor = await feed.LatestCursorAsync(cancellationToken);
        var alerts = await store.LoadNotClosedAsync(null, cancellationToken);
        foreach (var alert in alerts)
        {
            board.Apply(alert);
        }

        AlertLifecycleLog.BoardSeeded(logger, alerts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static partial class AlertLifecycleLog
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Alert board seeded with {Count} alerts that are not closed")]
    public static partial void BoardSeeded(ILogger logger, int count);
}
