using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Grains;
using RiskMonitor.Grains.Escalation;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.GrainState;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Alerts;

/// <summary>Where Orleans keeps grain state and reminders (<c>Orleans:Persistence</c>).</summary>
public enum OrleansPersistence
{
    /// <summary>In memory: unit-level runs and demos without PostgreSQL. Nothing survives a restart.</summary>
    Memory,

    /// <summary>PostgreSQL through the Orleans ADO.NET providers, with the tables from the schema migrations.</summary>
    AdoNet,
}

/// <summary>
/// The closed loop's composition (issue 7): the system of record, Orleans persistence and reminders, the alert board
/// seeded from the store. Kept out of <see cref="RiskMonitorApp"/> so that the host stays a list of parts.
/// </summary>
public static class AlertLifecycleHosting
{
    /// <summary>
    /// Call before <c>UseOrleans</c>: the schema migrations and the board seeding are hosted services that must run
    /// before the silo starts.
    /// </summary>
    public static WebApplicationBuilder AddAlertLifecycle(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRiskMonitorStores();
        var services = builder.Services;
        services.AddHostedService<AlertBoardSeeder>();

        // Escalation: the policy from configuration, the grid above a region, and the notifiers (SignalR + webhook).
        services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EscalationOptions>>().Value.ToPolicy());
        services.AddSingleton<IRegionChain, ConfiguredRegionChain>();
        services.AddSingleton<INotificationChannel>(sp =>
        {
            var json = new JsonSerializerOptions();
            RiskMonitorJson.Configure(json);
            // The escalation webhook (and the SMS or voice gateway behind it) goes through the outbound policy (decision 0026).
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(OutboundHttp.ClientName);
            http.Timeout = TimeSpan.FromSeconds(10);
            return new WebhookChannel(
                http,
                sp.GetRequiredService<IOptions<EscalationOptions>>(), json, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<INotifier>(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddSingleton<EscalationSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<EscalationSweeper>());
        return builder;
    }

    /// <summary>The closed loop's REST endpoints beyond the alert steps: duty roster, regulatory clocks, hazard ledger.</summary>
    public static IEndpointRouteBuilder MapAlertLifecycleEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapDutyEndpoints();
        routes.MapAlertClockEndpoints();
        routes.MapHazardEndpoints();
        return routes;
    }

    /// <summary>
    /// <c>Orleans:Persistence</c> (<c>Memory</c> or <c>AdoNet</c>); when unset, AdoNet if <c>ConnectionStrings:RiskMonitor</c>
    /// is configured, else Memory.
    /// </summary>
    public static OrleansPersistence PersistenceMode(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Orleans:Persistence"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return configuration.RiskMonitorConnectionString() is null ? OrleansPersistence.Memory : OrleansPersistence.AdoNet;
        }

        return Enum.TryParse<OrleansPersistence>(configured, ignoreCase: true, out var mode)
            ? mode
            : throw new InvalidOperationException($"Orleans:Persistence is '{configured}'; use Memory or AdoNet.");
    }

    /// <summary>Grain storage <c>rm</c> and the reminder service, in memory or on PostgreSQL.</summary>
    public static ISiloBuilder AddRiskMonitorPersistence(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (PersistenceMode(configuration) == OrleansPersistence.Memory)
        {
            return silo.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService();
        }

        var connectionString = configuration.RiskMonitorConnectionString() is { } configured
            ? PostgresPoolOptions.ForOrleans(configuration, configured)
            :
            throw new InvalidOperationException("Orleans:Persistence is AdoNet, but ConnectionStrings:RiskMonitor is not set.");
        // Grain state by group commit (decision 0045); the Orleans ADO.NET storage stays, under another name, only to
        // read states stored before, so an upgraded node keeps its assets' rules' memory.
        silo.Services.AddGrainStorage(GrainStorage.Name, (sp, _) => new GroupCommitGrainStorage(
            sp.GetRequiredService<PostgresGrainStateStore>(),
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredKeyedService<IGrainStorage>(EarlierGrainStorage)));
        return silo
            .AddAdoNetGrainStorage(EarlierGrainStorage, options =>
            {
                options.Invariant = AdoNetInvariant;
                options.ConnectionString = connectionString;
            })
            .UseAdoNetReminderService(options =>
            {
                options.Invariant = AdoNetInvariant;
                options.ConnectionString = connectionString;
            });
    }

    private const string AdoNetInvariant = "Npgsql";

    /// <summary>The Orleans ADO.NET grain storage, read for states written before decision 0045; never written.</summary>
    private const string EarlierGrainStorage = "rm-adonet";
}

/// <summary>
/// Fills the in-memory alert board from the alert store at start, before the silo runs, so that the current-alert list
/// survives a restart. Changes that arrive later are newer and win on the board.
/// </summary>
internal sealed class AlertBoardSeeder(IAlertStore store, IFeedStore feed, AlertBoard board, ILogger<AlertBoardSeeder> logger) : IHostedService
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
