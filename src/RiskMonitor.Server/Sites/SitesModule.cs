using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Sites;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Sites;

/// <summary>一图一牌三清单 per site: the sites' profiles from the asset file, the site board API and its printable page.</summary>
internal static class SitesModule
{
    public static WebApplicationBuilder AddSites(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp =>
        {
            var path = RegistryOptions.Resolve(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.AssetsPath, contentRoot);
            return new SiteProfiles(File.Exists(path) ? GeoJsonSiteProfiles.Load(path) : new Dictionary<string, SiteProfile>());
        });
        // Per request: it takes the region map in force then (the registry changes over the API).
        builder.Services.AddTransient<SiteBoardQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSites(this IEndpointRouteBuilder routes) => routes.MapSiteBoardEndpoints();
}
