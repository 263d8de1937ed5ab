using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Ingestion;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Assets;
using RiskMonitor.Server.Devices;
using RiskMonitor.Server.Drills;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Incidents;
using RiskMonitor.Server.Ingest;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Kpis;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Live;
using RiskMonitor.Server.Platform.Observability;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Server.Platform.Scheduling;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Regions;
using RiskMonitor.Server.Registry;
using RiskMonitor.Server.Reports;
using RiskMonitor.Server.Responsibility;
using RiskMonitor.Server.Rules;
using RiskMonitor.Server.Silences;
using RiskMonitor.Server.Sites;
using RiskMonitor.Server.Vehicles;
using RiskMonitor.Storage;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server;

/// <summary>
/// The composition root: one process with the silo, the broker, the web API and the hubs, read as the list of features
/// (docs/decisions/0046-server-feature-modules.md). Each feature's module registers what it owns once and maps its API;
/// a link between two features is a line here, never a registration inside either module.
/// </summary>
public static class RiskMonitorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var app = CreateBuilder(args, configure).Build();
        GrainDependencies.Verify(app.Services); // a grain's missing service stops the start, not its first activation
        return Pipeline(app);
    }

    /// <summary>Every service of the server registered, nothing built yet: the composition root (and what its test checks).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The app folder is the content root wherever the process is started from, so appsettings.json and
        // config/rules.json are found when run.sh starts the server from the repository root.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // A constructor the container cannot satisfy stops the start (Development checks this by default; the server runs
        // as Production), not the first request that needs it: command and query classes are made per request.
        builder.Host.UseDefaultServiceProvider((context, options) =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = context.HostingEnvironment.IsDevelopment();
        });
        configure?.Invoke(builder);
        builder.Services.AddSingleton(TimeProvider.System);

        // The registry as loaded at start: the asset file, the hazmat vehicles (assets of the registry too) and the
        // sites' profiles, every asset placed in the region hierarchy.
        builder.AddAssets();
        builder.AddVehicles();
        builder.AddSites();
        builder.AddRegions();

        // PostgreSQL (the system of record) before Orleans: the migrations and the read models' seeding run before the
        // silo starts. Hosted services start in this order and stop in the reverse one.
        builder.AddOutboundRequests();
        builder.AddRiskMonitorStores();
        builder.AddAlerts();
        builder.AddEscalation();
        builder.AddHazards();
        builder.AddMessaging();
        builder.AddReports();
        builder.AddKpis();
        builder.AddSilences();
        builder.AddIntegration();
        builder.AddIncidents();
        builder.AddDrills();
        builder.AddResponsibility();
        builder.AddRegistry(); // the registry's changes over the API, loaded before the silo and ingestion start
        builder.AddRules(); // grains activate on the stored rules

        // Before Orleans, so that they stop after the silo: while a silo shuts down (a rolling restart), its grains still
        // take readings from the other silos' dispatchers, and those readings must still reach InfluxDB and their alerts
        // the clients (issue 18, docs/decisions/0031).
        builder.AddInfluxReadingWriter();
        builder.AddLivePush();

        // Links between features: where the grains' changes go.
        // Alert and asset changes: the live push (wall, on-call page), which also keeps the alert read model.
        builder.Services.AddSingleton<IRiskEventSink>(sp => sp.GetRequiredService<RiskEventFanOut>());
        // Region colour changes: the live push (risk map) and the integration feed.
        builder.Services.AddSingleton<IRegionEventSink>(sp => new RegionSinks(sp.GetRequiredService<RegionEventFanOut>(), sp.GetRequiredService<RegionFeedRecorder>()));

        builder.AddSilo();
        builder.AddIngest();
        builder.AddObservability();
        builder.AddDevices();
        builder.AddHttpPlatform();
        builder.Services.AddHostedService<BackgroundJitToNormal>(); // real-time servers only (docs/decisions/0070)
        builder.AddRiskMonitorSecurity();
        return builder;
    }

    private static WebApplication Pipeline(WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseRequestSizeLimits();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestHardening();

        // The pages and their scripts are public; what they show comes from the API, which needs a token.
        app.UseStaticFiles();
        app.UseRiskMonitorSecurity();
        app.MapUiEndpoints();
        app.MapApiDocuments();
        var api = app.MapSecuredApi();
        api.MapAuthEndpoints();
        api.MapAssets();
        api.MapAlerts();
        api.MapEscalation();
        api.MapHazards();
        api.MapIngest();
        api.MapRegions();
        api.MapIncidents();
        api.MapDrills();
        api.MapIntegration();
        api.MapSilences();
        api.MapKpis();
        api.MapReports();
        api.MapMessaging();
        api.MapSites();
        api.MapDevices();
        api.MapResponsibility();
        api.MapRegistry();
        api.MapRules();
        // Prometheus scrapes without a token; bind the server to loopback or put the scrape behind the ingress.
        app.MapObservabilityEndpoints();
        app.MapLivePush();
        app.MapHealth();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var mqtt = app.Services.GetRequiredService<IOptions<MqttIngestionOptions>>().Value;
            var urls = string.Join(", ", app.Urls);
            ServerLog.Started(app.Logger, urls, mqtt.BindAddress, mqtt.Port, app.Urls.FirstOrDefault() + "/api/reference");
        });
        return app;
    }
}
