using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Registry;

/// <summary>The live registry (issue 20 item 2, docs/decisions/0041-live-registry.md): its store, options and follower.</summary>
internal static class RegistryModule
{
    /// <summary>
    /// After <c>AddRiskMonitorStores</c> (the data source and the migrations, whose hosted service must run first) and
    /// before Orleans and ingestion, whose hosted services must start with the registry's changes loaded.
    /// </summary>
    public static WebApplicationBuilder AddRegistry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LiveRegistryOptions>().BindConfiguration(LiveRegistryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.AddRegistryFeatureStore();
        builder.Services.AddSingleton<RegistryFollower>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RegistryFollower>());
        builder.Services.AddSingleton<RegistryCommands>();
        builder.Services.AddSingleton<Grains.Regions.IRegionMapSource>(sp => new LiveRegionMaps(sp.GetRequiredService<LiveRegistry>()));
        return builder;
    }

    public static RouteGroupBuilder MapRegistry(this RouteGroupBuilder routes) => routes.MapRegistryEndpoints();
}
