using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Webhook subscriptions created and deleted: the target checked against the outbound policy (decision 0026), the start
/// cursor taken from the feed, the subscription stored under its owner, the delivery service told. Tested on the
/// in-memory stores with the policy and the delivery service as the server builds them.
/// </summary>
internal sealed partial class WebhookCommands(
    IWebhookStore store, IFeedStore feed, WebhookDeliveryService deliveries, OutboundPolicy outbound, TimeProvider time)
{
    private const int MaxTypes = 20;

    /// <summary>
    /// Subscribes a URL: a public http(s) address (or one the outbound allow-list names), at most 20 event types, a region;
    /// from the feed's latest cursor unless <see cref="CreateWebhookRequest.After"/> says where. The secret is in the answer only.
    /// </summary>
    public async Task<Results<Created<CreatedWebhook>, ValidationProblem>> CreateAsync(
        CreateWebhookRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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
            ApiKeyMaterial.NewId("wh_"), WebhookEndpoints.Owner(user), url!, secret, types, string.IsNullOrWhiteSpace(request.RegionId) ? null : request.RegionId,
            time.GetUtcNow(), request.After ?? await feed.LatestCursorAsync(cancellationToken), WebhookHealth.Healthy, null);
        await store.CreateAsync(subscription, cancellationToken);
        deliveries.Refresh();
        return TypedResults.Created($"/api/webhooks/{subscription.SubscriptionId}", new CreatedWebhook(WebhookView.From(subscription), secret));
    }

    /// <summary>Deletes the caller's own subscription; another integrator's answers like a missing one.</summary>
    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string subscriptionId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        // Another integrator's subscription answers like a missing one, so ids cannot be probed.
        if (await store.FindAsync(subscriptionId, cancellationToken) is not { } s || s.Owner != WebhookEndpoints.Owner(user) ||
            !await store.DeleteAsync(subscriptionId, time.GetUtcNow(), cancellationToken))
        {
            return WebhookEndpoints.Unknown(subscriptionId);
        }

        deliveries.Refresh();
        return TypedResults.NoContent();
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex TypeName();
}
