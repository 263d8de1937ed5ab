using RiskMonitor.Grains.Assets;
using RiskMonitor.Grains.Serialization;

namespace RiskMonitor.Server.Platform.Orleans;

/// <summary>The silo of this process: clustering, grain storage and reminders, and the services grains take.</summary>
internal static class OrleansModule
{
    /// <summary>
    /// After every feature's stores and services (grains activate on them) and after the hosted services that must stop
    /// after the silo: hosted services stop in reverse order of registration.
    /// </summary>
    public static WebApplicationBuilder AddSilo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OrleansHostOptions>().BindConfiguration(OrleansHostOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var orleans = OrleansHostOptions.From(builder.Configuration);
        builder.UseOrleans(silo => silo
            .UseRiskMonitorClustering(orleans, builder.Configuration)
            .AddRiskMonitorPersistence(builder.Configuration));
        builder.Services.AddQuietAssetWatch(); // the asset grains' clock for an asset gone quiet
        builder.Services.AddForeignExceptionCodec(); // a grain's PostgresException reaches a caller on another silo (decision 0052)
        builder.Services.AddSingleton<IGrainGateway, GrainGateway>(); // the API's grain calls, behind a seam for fast tests
        return builder;
    }
}
