using Microsoft.AspNetCore.Authentication;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain.Access;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Integration;

/// <summary>The city-platform integration (issue 9): the feed, integrators' API keys and policies, webhook delivery, CAP.</summary>
internal static class IntegrationModule
{
    /// <summary>After the stores (the feed and the keys are theirs).</summary>
    public static WebApplicationBuilder AddIntegration(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntegrationOptions>().BindConfiguration(IntegrationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // The default scheme (SecurityHosting) forwards requests that present a key here; a bearer token with the
        // integrator role (or admin) is as good as a key with the scope.
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(IntegrationPolicies.FeedRead, Scope(IntegrationPolicies.FeedRead, AccessRole.Integrator))
            .AddPolicy(IntegrationPolicies.WebhooksManage, Scope(IntegrationPolicies.WebhooksManage, AccessRole.Integrator))
            .AddPolicy(IntegrationPolicies.KeysManage, Scope(IntegrationPolicies.KeysManage, AccessRole.Admin));

        // Region colour changes into the feed (the composition root makes it one of the region grains' sinks).
        services.AddSingleton<RegionFeedRecorder>();
        services.AddSingleton<FeedQueries>();
        services.AddSingleton<CapFeedQueries>();
        services.AddSingleton<WebhookCommands>();
        services.AddHostedService(sp => sp.GetRequiredService<RegionFeedRecorder>());

        services.AddSingleton<WebhookDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        return builder;
    }

    public static IEndpointRouteBuilder MapIntegration(this IEndpointRouteBuilder routes)
    {
        routes.MapFeedEndpoints();
        routes.MapIntegratorKeyEndpoints();
        routes.MapWebhookEndpoints();
        routes.MapCapEndpoints();
        return routes;
    }

    private static Action<Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder> Scope(string scope, AccessRole role) => policy => policy
        .RequireAuthenticatedUser()
        .RequireAssertion(c => c.User.HasClaim(ApiKeyDefaults.ScopeClaim, scope) || AccessControl.Has(c.User, role));
}
