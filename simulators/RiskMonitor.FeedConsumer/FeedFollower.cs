using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.FeedConsumer;

/// <summary>Follows <c>GET /api/feed</c> from the mirror's cursor and applies every event, page by page.</summary>
/// <param name="http">A client whose base address is the server and which sends an API key with <c>feed:read</c>.</param>
public sealed class FeedFollower(HttpClient http, FeedMirror mirror)
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Reads until a page comes back empty; returns how many events were applied.</summary>
    public async Task<int> CatchUpAsync(int pageSize = 500, CancellationToken cancellationToken = default)
    {
        var applied = 0;
        while (true)
        {
            var page = await ReadPageAsync(pageSize, TimeSpan.Zero, cancellationToken);
            if (page.Count == 0)
            {
                return applied;
            }

            applied += page.Count(mirror.Apply);
        }
    }

    /// <summary>Follows for ever with long-polls of <paramref name="wait"/>; <paramref name="afterPage"/> runs after each non-empty page (e.g. to save).</summary>
    public async Task FollowAsync(TimeSpan wait, Func<CancellationToken, Task>? afterPage, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await ReadPageAsync(500, wait, cancellationToken);
            foreach (var feedEvent in page)
            {
                mirror.Apply(feedEvent);
            }

            if (page.Count > 0 && afterPage is not null)
            {
                await afterPage(cancellationToken);
            }
        }
    }

    private async Task<List<JsonElement>> ReadPageAsync(int pageSize, TimeSpan wait, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/feed?after={mirror.Cursor}&limit={pageSize}&wait={(int)wait.TotalSeconds}");
        var page = await http.GetFromJsonAsync<JsonElement>(path, cancellationToken);
        return [.. page.GetProperty("events").EnumerateArray()];
    }
}
