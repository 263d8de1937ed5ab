using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Grains;
using RiskMonitor.Ingestion;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Devices;
using RiskMonitor.Server.Endpoints;
using RiskMonitor.Server.Hardening;
using RiskMonitor.Server.Health;
using RiskMonitor.Server.Hubs;
using RiskMonitor.Server.Notifications;
using RiskMonitor.Server.Regions;
using RiskMonitor.Storage;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;
using Scalar.AspNetCore;

namespace RiskMonitor.Server;

/// <summary>The composition root: one process with the silo, the broker, the web API and the hubs.</summary>
public static class RiskMonitorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
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
        builder.Services.AddSingleton<IRuleCatalog>(sp => JsonRuleCatalog.Load(
            RegistryOptions.Resolve(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.RulesPath, builder.Environment.ContentRootPath)));

        // PostgreSQL (the system of record) before Orleans: migrations and the alert board run before the silo starts.
        builder.AddAlertLifecycle();

        var orleans = builder.Configuration.GetSection(OrleansHostOptions.SectionName).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort)
            .AddRiskMonitorPersistence(builder.Configuration));

        builder.AddInfluxReadingWriter();
        builder.AddMqttIngestion();
        builder.AddDeviceProvisioning();
        builder.AddRequestHardening();

        builder.Services.AddSingleton<AlertBoard>();
        builder.Services.AddSingleton<RiskEventFanOut>();
        builder.Services.AddSingleton<IRiskEventSink>(sp => sp.GetRequiredService<RiskEventFanOut>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RiskEventFanOut>());

        builder.Services.ConfigureHttpJsonOptions(o => RiskMonitorJson.Configure(o.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(o => RiskMonitorJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks()
            .AddCheck<MqttBrokerHealthCheck>("mqtt", tags: ["ready"])
            .AddCheck<InfluxHealthCheck>("influxdb", tags: ["ready"]);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestHardening();

        app.UseStaticFiles();
        app.MapUiEndpoints();
        app.MapOpenApi();
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("RiskMonitor API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapGet("/", () => Results.Redirect("/wall")).ExcludeFromDescription();
        app.MapAssetEndpoints();
        app.MapAlertEndpoints();
        app.MapAlertLifecycleEndpoints();
        app.MapIngestEndpoints();
        app.MapRiskMapEndpoints();
        app.MapFeedEndpoints();
        app.MapDeviceEndpoints();
        app.MapHub<RiskHub>(RiskHub.Path);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        });

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

    [System.ComponentModel.DataAnnotations.Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    [System.ComponentModel.DataAnnotations.Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
}
