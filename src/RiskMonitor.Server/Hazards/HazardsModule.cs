using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Hazards;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Grains.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// Hazards: the hazard ledger (decision 0013), supervision and the tip line (issue 21 items 3-4): options, the overdue
/// watch and its push, the tip routing, and their API.
/// </summary>
internal static class HazardsModule
{
    public static WebApplicationBuilder AddHazards(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<HazardSupervisionOptions>().BindConfiguration(HazardSupervisionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new HazardOverduePolicy(sp.GetRequiredService<IOptions<HazardSupervisionOptions>>().Value.OverdueRepeat));
        services.AddSingleton(sp => new HazardWatchSettings(sp.GetRequiredService<IOptions<HazardSupervisionOptions>>().Value.OverdueCheckInterval));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HazardSupervisionOptions>>().Value;
            return new TipRouting(options.TipDepartments, options.TipFallbackDepartment);
        });
        services.AddSingleton<IHazardNotifier, HazardOverduePush>();
        services.AddSingleton<HazardQueries>();
        services.AddSingleton<HazardCommands>();
        services.AddSingleton<EvidenceCommands>(); // hazards' and incidents' evidence files
        // Transient: it places a tip on the region map in force now, which the registry API can replace (decision 0053).
        services.AddTransient<TipLineCommands>();
        services.AddTransient<HazardLayerQueries>();
        services.AddHostedService<HazardWatchStarter>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHazards(this IEndpointRouteBuilder routes)
    {
        routes.MapHazardEndpoints();
        routes.MapHazardSupervisionEndpoints();
        return routes;
    }
}

/// <summary>
/// Starts the hazard watch once the server is up. From then on its durable reminder brings it back after every restart,
/// so this is only the first start (and a harmless repeat on every later one, and on every node of a cluster).
/// </summary>
internal sealed class HazardWatchStarter(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<HazardWatchStarter> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            while (true)
            {
                try
                {
                    await grains.GetGrain<IHazardSupervisionGrain>(0).Start();
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // PostgreSQL (the reminder table) not there yet: try again rather than leave the watch off until a restart.
                    HazardServerLog.WatchStartFailed(logger, ex, RetryAfter);
                    await Task.Delay(RetryAfter, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
