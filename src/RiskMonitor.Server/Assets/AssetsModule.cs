using Microsoft.Extensions.Options;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Assets;

/// <summary>The registered assets: the asset file (<c>Registry:AssetsPath</c>) and the asset API.</summary>
internal static class AssetsModule
{
    public static WebApplicationBuilder AddAssets(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var path = RegistryOptions.Resolve(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.AssetsPath, builder.Environment.ContentRootPath);
            var registry = GeoJsonAssetRegistry.Load(path);
            ServerLog.RegistryLoaded(sp.GetRequiredService<ILogger<GeoJsonAssetRegistry>>(), registry.Count, path);
            return registry;
        });
        // Per request: it takes the region map in force then (the registry changes over the API).
        builder.Services.AddTransient<AssetQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder routes) => routes.MapAssetEndpoints();
}
