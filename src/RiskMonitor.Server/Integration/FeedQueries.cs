using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Reading the integration feed by cursor (docs/decisions/0014-integration-feed.md): the query string checked, then a read,
/// and when it is empty and the caller waits, a wait for the store's next append (or the deadline) and one more read.
/// Talks to <see cref="IFeedStore"/> and the clock only, so it is tested on the in-memory feed and a fake clock.
/// </summary>
internal sealed partial class FeedQueries(IFeedStore store, TimeProvider time)
{
    private const int MaxTypes = 20;

    /// <summary>
    /// Events after the cursor <paramref name="after"/>, at most <paramref name="limit"/>, of the <paramref name="types"/>
    /// (comma-separated) and <paramref name="regionId"/> asked; with <paramref name="wait"/> seconds, an empty answer waits
    /// for the first new event until then. Parameters come as the query string has them.
    /// </summary>
    public async Task<Results<Ok<FeedPage>, ValidationProblem>> ReadAsync(
        string? after, string? limit, string? types, string? regionId, string? wait, CancellationToken cancellationToken)
    {
        // Parsed here rather than bound, so a bad value is a validation problem naming the parameter, not a bare 400.
        var errors = new Dictionary<string, string[]>();
        var cursor = Number(after, nameof(after), 0, 0, long.MaxValue, errors);
        var size = (int)Number(limit, nameof(limit), FeedEndpoints.DefaultLimit, 1, FeedEndpoints.MaxLimit, errors);
        var waitSeconds = (int)Number(wait, nameof(wait), 0, 0, FeedEndpoints.MaxWaitSeconds, errors);
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
