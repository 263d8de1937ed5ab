using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// The integration feed for the city platform (DESIGN.md §7, docs/decisions/0014-integration-feed.md): the ordered event
/// log read by cursor, with an optional long-poll so a consumer sees a new event within a second without hammering.
/// </summary>
internal static partial class FeedEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxWaitSeconds = 30;
    private const int MaxTypes = 20;

    public static RouteGroupBuilder MapFeedEndpoints(this IEndpointRouteBuilder routes)
    {
        var feed = routes.MapGroup("/api/feed").WithTags("Feed").RequireAuthorization(Integration.IntegrationPolicies.FeedRead);
        feed.MapGet("/", Read).WithName("ReadFeed")
            .WithSummary("Events after the cursor, in cursor order, with the next cursor; wait=seconds (up to 30) long-polls for the first new one.");
        return feed;
    }

    private static async Task<Results<Ok<FeedPage>, ValidationProblem>> Read(
        IFeedStore store, TimeProvider time, CancellationToken cancellationToken,
        string? after = null, string? limit = null, string? types = null, string? regionId = null, string? wait = null)
    {
        // Parsed here rather than bound, so a bad value is a validation problem naming the parameter, not a bare 400.
        var errors = new Dictionary<string, string[]>();
        var cursor = Number(after, nameof(after), 0, 0, long.MaxValue, errors);
        var size = (int)Number(limit, nameof(limit), DefaultLimit, 1, MaxLimit, errors);
        var waitSeconds = (int)Number(wait, nameof(wait), 0, 0, MaxWaitSeconds, errors);
        string[]? typeFilter = null;
        if (!string.IsNullOrWhiteSpace(types))
        {
            typeFilter = types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (typeFilter.Length is 0 or > MaxTypes || !typeFilter.All(t => TypeName().IsMatch(t)))
            {
                errors[nameof(types)] = [$"A comma-separated list of 1-{MaxTypes} event types such as alert.raised,alert.cleared."];
            }
        }

        if (regionId is { Length: > 200 })
        {
            errors[nameof(regionId)] = ["regionId is at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new FeedQuery(cursor, size, typeFilter, string.IsNullOrWhiteSpace(regionId) ? null : regionId);
        var deadline = time.GetUtcNow().AddSeconds(waitSeconds);
        while (true)
        {
            // Taken before the read, so an event appended between the read and the wait still wakes us.
            var appended = store.Appended;
            var events = await store.ReadAsync(query, cancellationToken);
            var remaining = deadline - time.GetUtcNow();
            if (events.Count > 0 || remaining <= TimeSpan.Zero)
            {
                return TypedResults.Ok(new FeedPage(events, events.Count > 0 ? events[^1].Cursor : cursor));
            }

            try
            {
                await appended.WaitAsync(remaining, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Nothing new in time: one last read, then an empty page.
            }
        }
    }

    private static long Number(string? text, string name, long fallback, long min, long max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[name] = [$"{name} must be a whole number from {min} to {max}."];
        return fallback;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex TypeName();
}

/// <summary>A page of the feed: the events in cursor order and the cursor to pass as <c>after</c> next time.</summary>
internal sealed record FeedPage(IReadOnlyList<FeedEvent> Events, long Next);
