using RiskMonitor.Contracts.Json;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Platform.Live;

/// <summary>
/// The live push (SignalR <c>/hubs/risk</c>): the hub, its connections and their account rechecks, and the two fan-outs
/// that take alert, asset and region changes from grains without blocking them. Which grain sinks feed the fan-outs is a
/// line of the composition root, not of this module.
/// </summary>
internal static class LiveModule
{
    /// <summary>Before the silo: the fan-outs stop after it, so changes made while it shuts down still reach the clients.</summary>
    public static WebApplicationBuilder AddLivePush(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<RegionEventFanOut>();
        services.AddHostedService(sp => sp.GetRequiredService<RegionEventFanOut>());
        services.AddSingleton<RiskEventFanOut>();
        services.AddHostedService(sp => sp.GetRequiredService<RiskEventFanOut>());
        services.AddSingleton<HubConnectionRegistry>();
        services.AddSingleton<HubAccountRecheck>();
        services.AddHostedService(sp => sp.GetRequiredService<HubAccountRecheck>());
        services.AddSignalR().AddJsonProtocol(o => RiskMonitorJson.Configure(o.PayloadSerializerOptions))
            .AddRiskMonitorBackplane(builder.Configuration);
        return builder;
    }

    public static IEndpointRouteBuilder MapLivePush(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapHub<RiskHub>(RiskHub.Path).RequireAuthorization(Policies.View);
        return routes;
    }
}
