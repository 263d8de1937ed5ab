using System.Text.Json;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Grains.Escalation;
using RiskMonitor.Server.Platform.Outbound;

namespace RiskMonitor.Server.Escalation;

/// <summary>
/// Escalation (docs/decisions/0012, 0018): the policy from configuration, the region chain above a region, the durable
/// outbox of escalation notices and its delivery (webhook), the sweeper; the duty roster and the outbox over REST.
/// </summary>
internal static class EscalationModule
{
    /// <summary>After the stores (the roster and the outbox are theirs).</summary>
    public static WebApplicationBuilder AddEscalation(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
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
        services.AddSingleton<IEscalationRecheck, GrainEscalationRecheck>();
        services.AddSingleton<EscalationSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<EscalationSweeper>());
        return builder;
    }

    /// <summary>The duty roster and the escalation outbox.</summary>
    public static IEndpointRouteBuilder MapEscalation(this IEndpointRouteBuilder routes)
    {
        routes.MapDutyEndpoints();
        routes.MapNotificationEndpoints();
        return routes;
    }
}
