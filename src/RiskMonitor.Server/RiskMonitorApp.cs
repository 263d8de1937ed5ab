using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Grains;
using RiskMonitor.Grains.Assets;
using RiskMonitor.Ingestion;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Assets;
using RiskMonitor.Server.Devices;
using RiskMonitor.Server.Drills;
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
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Regions;
using RiskMonitor.Server.Registry;
using RiskMonitor.Server.Reports;
using RiskMonitor.Server.Reports.Circulars;
using RiskMonitor.Server.Responsibility;
using RiskMonitor.Server.Rules;
using RiskMonitor.Server.Silences;
using RiskMonitor.Server.Sites;
using RiskMonitor.Storage;
using RiskMonitor.Storage.Registry;
using Scalar.AspNetCore;

namespace RiskMonitor.Server;

/// <summary>The composition root: one process with the silo, the broker, the web API and the hubs.</summary>
public static class RiskMonitorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        Pipeline(CreateBuilder(args, configure).Build());

    /// <summary>Every service of the server registered, nothing built yet: the composition root (and what its test checks).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The app folder is the content root wherever the process is started from, so appsettings.json and
        // config/rules.json are found when run.sh starts the server from the repository root.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OrleansHostOptions>().BindConfiguration(OrleansHostOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var path = RegistryOptions.Resolve(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.AssetsPath, builder.Environment.ContentRootPath);
            var registry = GeoJsonAssetRegistry.Load(path);
            ServerLog.RegistryLoaded(sp.GetRequiredService<ILogger<GeoJsonAssetRegistry>>(), registry.Count, path);
            return registry;
        });
        builder.AddRiskMap(); // places the assets in the region hierarchy and registers IAssetRegistry with their regions

        // PostgreSQL (the system of record) before Orleans: migrations and the alert board run before the silo starts.
        builder.AddOutboundRequests();
        builder.AddAlertLifecycle();
        builder.AddHazardSupervision();
        builder.AddMessaging();
        builder.AddCirculars();
        builder.AddNoiseControl();
        builder.AddIntegration();
        // Where the region grains' colour changes go: the live hub (risk map) and the integration feed.
        builder.Services.AddSingleton<IRegionEventSink>(sp => new RegionSinks(sp.GetRequiredService<RegionEventFanOut>(), sp.GetRequiredService<RegionFeedRecorder>()));
        builder.AddIncidents();
        builder.AddDrills();
        builder.AddResponsibility();
        builder.AddLiveRegistry(); // the registry's changes over the API, loaded before the silo and ingestion start
        builder.AddManagedRules(); // after the stores, before Orleans: grains activate on the stored rules

        // Before Orleans, so that they stop after the silo (hosted services stop in reverse order): while a silo shuts
        // down (a rolling restart), its grains still take readings from the other silos' dispatchers, and those readings
        // must still reach InfluxDB and their alerts the clients (issue 18, docs/decisions/0031).
        builder.AddInfluxReadingWriter();
        builder.Services.AddSingleton<AlertBoard>();
        builder.Services.AddSingleton<RiskEventFanOut>();
        builder.Services.AddSingleton<IRiskEventSink>(sp => sp.GetRequiredService<RiskEventFanOut>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RiskEventFanOut>());

        var orleans = builder.Configuration.GetSection(OrleansHostOptions.SectionName).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        builder.UseOrleans(silo => silo
            .UseRiskMonitorClustering(orleans, builder.Configuration)
            .AddRiskMonitorPersistence(builder.Configuration));
        builder.Services.AddSilenceWatch();

        builder.AddMqttIngestion();
        builder.AddBrokerSessionFailover(orleans);
        builder.AddClusterWideAlertBoard(orleans);
        builder.AddObservability();
        builder.AddDeviceProvisioning();
        builder.AddRequestHardening();
        builder.AddRiskMonitorSecurity();

        builder.Services.ConfigureHttpJsonOptions(o => RiskMonitorJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton<HubConnectionRegistry>();
        builder.Services.AddSingleton<HubAccountRecheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HubAccountRecheck>());
        builder.Services.AddSignalR().AddJsonProtocol(o => RiskMonitorJson.Configure(o.PayloadSerializerOptions))
            .AddRiskMonitorBackplane(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StoreUnavailableHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks()
            .AddCheck<MqttBrokerHealthCheck>("mqtt", tags: ["ready"])
            .AddCheck<InfluxHealthCheck>("influxdb", tags: ["ready"])
            .AddCheck<AlertJournalHealthCheck>("postgresql", tags: ["ready"]);
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
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("RiskMonitor API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/wall")).ExcludeFromDescription().AllowAnonymous();
        var api = app.MapSecuredApi();
        api.MapAuthEndpoints();
        api.MapAssetEndpoints();
        api.MapAlertEndpoints();
        api.MapAlertLifecycleEndpoints();
        api.MapHazardSupervisionEndpoints();
        api.MapIngestEndpoints();
        api.MapRiskMapEndpoints();
        api.MapIncidentEndpoints();
        api.MapDrillEndpoints();
        api.MapFeedEndpoints();
        api.MapSilenceNoticeAndKpiEndpoints();
        api.MapHourlyKpiEndpoints();
        api.MapIntegrationEndpoints();
        api.MapReportEndpoints();
        api.MapMessagingEndpoints();
        api.MapCircularEndpoints();
        api.MapSiteBoardEndpoints();
        api.MapDeviceEndpoints();
        api.MapResponsibilityEndpoints();
        api.MapRegistryEndpoints();
        api.MapRuleEndpoints();
        // Prometheus scrapes without a token; bind the server to loopback or put the scrape behind the ingress.
        app.MapObservabilityEndpoints();
        app.MapHub<RiskHub>(RiskHub.Path).RequireAuthorization(Policies.View);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var mqtt = app.Services.GetRequiredService<IOptions<MqttIngestionOptions>>().Value;
            var urls = string.Join(", ", app.Urls);
            ServerLog.Started(app.Logger, urls, mqtt.BindAddress, mqtt.Port, app.Urls.FirstOrDefault() + "/api/reference");
        });
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

/// <summary>Orleans ports; distinct per process so that several servers (tests, a second node) can share a machine.</summary>
public sealed class OrleansHostOptions
{
    public const string SectionName = "Orleans";

    /// <summary>
    /// Localhost: one node. AdoNet: a cluster whose membership table is in PostgreSQL (ConnectionStrings:RiskMonitor).
    /// Not named <c>Orleans:Clustering</c>: Orleans itself reads that section to pick a provider by configuration.
    /// </summary>
    public OrleansClustering Membership { get; set; } = OrleansClustering.Localhost;

    /// <summary>Memory or AdoNet (read by AlertLifecycleHosting.PersistenceMode); default AdoNet when a connection string is set.</summary>
    public OrleansPersistence? Persistence { get; set; }

    /// <summary>Silos with the same cluster id form one cluster; a rolling upgrade keeps it.</summary>
    [System.ComponentModel.DataAnnotations.Required] public string ClusterId { get; set; } = "riskmonitor";

    /// <summary>Identifies the application's state (grain storage, reminders) across deployments: never change it.</summary>
    [System.ComponentModel.DataAnnotations.Required] public string ServiceId { get; set; } = "riskmonitor";

    /// <summary>The address other silos reach this one on (the pod IP in Kubernetes); default loopback.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Listen on every interface while advertising <see cref="AdvertisedIPAddress"/> (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    [System.ComponentModel.DataAnnotations.Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
}
