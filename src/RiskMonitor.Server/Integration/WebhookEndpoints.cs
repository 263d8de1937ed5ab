using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Webhook subscriptions (<c>/api/webhooks</c>), each owned by the integrator whose key created it: an integrator sees
/// and deletes only its own. The signing secret is in the answer to the POST only.
/// </summary>
internal static partial class WebhookEndpoints
{
    private const int MaxTypes = 20;

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

    private static async Task<Results<Created<CreatedWebhook>, ValidationProblem>> Create(
        CreateWebhookRequest request, IWebhookStore store, IFeedStore feed, WebhookDeliveryService deliveries, OutboundPolicy outbound,
        TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) ||
            request.Url!.Length > 2000)
        {
            errors["url"] = ["An absolute http or https URL, at most 2000 characters."];
        }
        else if (await outbound.CheckUrlAsync(url, cancellationToken) is { } refusal)
        {
            // Said at registration so the integrator learns why; delivery checks again at every connection (decision 0026).
            errors["url"] = [refusal];
        }

        var types = request.Types is { Count: > 0 } t ? t.Distinct(StringComparer.Ordinal).ToArray() : null;
        if (types is not null && (types.Length > MaxTypes || !types.All(x => TypeName().IsMatch(x))))
        {
            errors["types"] = [$"1-{MaxTypes} event types such as alert.raised, or none for every type."];
        }

        if (request.RegionId is { Length: > 200 })
        {
            errors["regionId"] = ["regionId is at most 200 characters."];
        }

        if (request.After is < 0)
        {
            errors["after"] = ["after is a feed cursor (0 = from the first event); leave it out to start from now."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, errors.ContainsKey("url")
                ? "Webhooks are delivered only to public http(s) addresses unless the operator's outbound allow-list names the target."
                : null);
        }

        var secret = "whsec_" + ApiKeyMaterial.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var subscription = new WebhookSubscription(
            ApiKeyMaterial.NewId("wh_"), Owner(user), url!, secret, types, string.IsNullOrWhiteSpace(request.RegionId) ? null : request.RegionId,
            time.GetUtcNow(), request.After ?? await feed.LatestCursorAsync(cancellationToken), WebhookHealth.Healthy, null);
        await store.CreateAsync(subscription, cancellationToken);
        deliveries.Refresh();
        return TypedResults.Created($"/api/webhooks/{subscription.SubscriptionId}", new CreatedWebhook(WebhookView.From(subscription), secret));
    }

    private static async Task<Ok<IReadOnlyList<WebhookView>>> List(IWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<WebhookView>>([.. (await store.ListAsync(Owner(user), cancellationToken)).Select(WebhookView.From)]);

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(
        string subscriptionId, IWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await store.FindAsync(subscriptionId, cancellationToken) is { } s && s.Owner == Owner(user)
            ? TypedResults.Ok(WebhookView.From(s))
            : Unknown(subscriptionId);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string subscriptionId, IWebhookStore store, WebhookDeliveryService deliveries, TimeProvider time, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        // Another integrator's subscription answers like a missing one, so ids cannot be probed.
        if (await store.FindAsync(subscriptionId, cancellationToken) is not { } s || s.Owner != Owner(user) ||
            !await store.DeleteAsync(subscriptionId, time.GetUtcNow(), cancellationToken))
        {
            return Unknown(subscriptionId);
        }

        deliveries.Refresh();
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Unknown(string id) => Problems.NotFound("Unknown webhook", $"No webhook subscription '{id}' of this integrator.");

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

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex TypeName();
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
