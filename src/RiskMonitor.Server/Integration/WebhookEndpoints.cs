using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Webhook subscriptions (<c>/api/webhooks</c>), each owned by the integrator whose key created it: an integrator sees
/// and deletes only its own. The signing secret is in the answer to the POST only.
/// </summary>
internal static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var hooks = routes.MapGroup("/api/webhooks").WithTags("Integration").RequireAuthorization(IntegrationPolicies.WebhooksManage);
        hooks.MapPost("/", Create).WithName("CreateWebhook")
            .WithSummary("Subscribes a URL to the feed (optionally only some types and one region), from now or from 'after'; the secret is shown once.");
        hooks.MapGet("/", List).WithName("ListWebhooks");
        hooks.MapGet("/{subscriptionId}", Get).WithName("GetWebhook");
        hooks.MapDelete("/{subscriptionId}", Delete).WithName("DeleteWebhook");
        return hooks;
    }

    private static Task<Results<Created<CreatedWebhook>, ValidationProblem>> Create(
        CreateWebhookRequest request, WebhookCommands commands, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        commands.CreateAsync(request, user, cancellationToken);

    private static async Task<Ok<IReadOnlyList<WebhookView>>> List(IWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<WebhookView>>([.. (await store.ListAsync(Owner(user), cancellationToken)).Select(WebhookView.From)]);

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(
        string subscriptionId, IWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await store.FindAsync(subscriptionId, cancellationToken) is { } s && s.Owner == Owner(user)
            ? TypedResults.Ok(WebhookView.From(s))
            : Unknown(subscriptionId);

    private static Task<Results<NoContent, ProblemHttpResult>> Delete(
        string subscriptionId, WebhookCommands commands, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        commands.DeleteAsync(subscriptionId, user, cancellationToken);

    internal static ProblemHttpResult Unknown(string id) => Problems.NotFound("Unknown webhook", $"No webhook subscription '{id}' of this integrator.");

    /// <summary>
    /// Integrators' keys and signed-in accounts own webhooks in separate namespaces (issue 24 row 8): a key named like
    /// an account must not list or delete that account's subscriptions, nor the other way round. A key keeps its bare
    /// integrator name (the owner since decision 0015, so existing subscriptions stay with their keys; integrator names
    /// cannot contain ':'), an account's name is prefixed with "user:".
    /// </summary>
    internal static string Owner(ClaimsPrincipal user) => user.Identity switch
    {
        { AuthenticationType: ApiKeyDefaults.Scheme, Name: { Length: > 0 } integrator } => integrator,
        { Name: { Length: > 0 } account } => "user:" + account,
        _ => throw new InvalidOperationException("Authorised request without a name."),
    };
}

internal sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Types, string? RegionId, long? After);

/// <summary>A subscription as the API shows it: never the secret.</summary>
internal sealed record WebhookView(
    string SubscriptionId, Uri Url, IReadOnlyList<string>? Types, string? RegionId, DateTimeOffset CreatedAt, long Cursor,
    WebhookState State, DateTimeOffset? FirstFailureAt, int ConsecutiveFailures, string? LastError, DateTimeOffset? LastDeliveredAt)
{
    public static WebhookView From(WebhookSubscription s) => new(
        s.SubscriptionId, s.Url, s.Types, s.RegionId, s.CreatedAt, s.Cursor, s.Health.State, s.Health.FirstFailureAt,
        s.Health.ConsecutiveFailures, s.Health.LastError, s.LastDeliveredAt);
}

/// <summary>The answer to a subscription: the secret to verify signatures with, shown this once.</summary>
internal sealed record CreatedWebhook(WebhookView Subscription, string Secret);
