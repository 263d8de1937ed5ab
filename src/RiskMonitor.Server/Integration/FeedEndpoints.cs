using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// The integration feed for the city platform (DESIGN.md §7, docs/decisions/0014-integration-feed.md): the ordered event
/// log read by cursor, with an optional long-poll so a consumer sees a new event within a second without hammering.
/// </summary>
internal static class FeedEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxWaitSeconds = 30;

    public static RouteGroupBuilder MapFeedEndpoints(this IEndpointRouteBuilder routes)
    {
        var feed = routes.MapGroup("/api/feed").WithTags("Feed").RequireAuthorization(Integration.IntegrationPolicies.FeedRead);
        feed.MapGet("/", Read).WithName("ReadFeed")
            .WithSummary("Events after the cursor, in cursor order, with the next cursor; wait=seconds (up to 30) long-polls for the first new one.");
        return feed;
    }

    private static Task<Results<Ok<FeedPage>, ValidationProblem>> Read(
        FeedQueries queries, CancellationToken cancellationToken,
        string? after = null, string? limit = null, string? types = null, string? regionId = null, string? wait = null) =>
        queries.ReadAsync(after, limit, types, regionId, wait, cancellationToken);
}

/// <summary>A page of the feed: the events in cursor order and the cursor to pass as <c>after</c> next time.</summary>
internal sealed record FeedPage(IReadOnlyList<FeedEvent> Events, long Next);
