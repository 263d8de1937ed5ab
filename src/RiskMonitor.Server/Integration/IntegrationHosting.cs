using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Server.Notifications;

namespace RiskMonitor.Server.Integration;

/// <summary>The city-platform integration (issue 9): integrators' API keys and policies, webhook delivery.</summary>
public static class IntegrationHosting
{
    /// <summary>Call after the stores (<c>AddAlertLifecycle</c>) and the risk map (<c>AddRiskMap</c>) are registered.</summary>
    public static WebApplicationBuilder AddIntegration(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntegrationOptions>().BindConfiguration(IntegrationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // No default scheme: endpoints outside the integration stay as they are; each policy names its scheme.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(IntegrationPolicies.FeedRead, Scope(IntegrationPolicies.FeedRead))
            .AddPolicy(IntegrationPolicies.WebhooksManage, Scope(IntegrationPolicies.WebhooksManage))
            .AddPolicy(IntegrationPolicies.KeysManage, Scope(IntegrationPolicies.KeysManage));

        services.AddHttpClient(WebhookDeliveryService.HttpClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.RequestTimeout)
            // A signed delivery goes where the subscriber said, not where a redirect points.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        // Region colour changes into the feed: the region grains' sink becomes both the SignalR fan-out and the recorder.
        services.AddSingleton<RegionFeedRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<RegionFeedRecorder>());
        services.AddSingleton<IRegionEventSink>(sp => new RegionSinks(sp.GetRequiredService<RegionEventFanOut>(), sp.GetRequiredService<RegionFeedRecorder>()));

        services.AddSingleton<WebhookDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        return builder;
    }

    public static IEndpointRouteBuilder MapIntegrationEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapIntegratorKeyEndpoints();
        routes.MapWebhookEndpoints();
        routes.MapCapEndpoints();
        return routes;
    }

    private static Action<Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder> Scope(string scope) => policy => policy
        .AddAuthenticationSchemes(ApiKeyDefaults.Scheme)
        .RequireAuthenticatedUser()
        .RequireClaim(ApiKeyDefaults.ScopeClaim, scope);
}
