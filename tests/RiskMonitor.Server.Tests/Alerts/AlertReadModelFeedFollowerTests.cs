using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Json;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Tests.Alerts;

public sealed class AlertReadModelFeedFollowerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_board_lists_alerts_another_node_wrote_to_the_feed_after_the_cursor_it_was_seeded_at()
    {
        var ct = TestContext.Current.CancellationToken;
        var feed = new InMemoryFeedLog();
        Append(feed, "raised", Alert("a-1", AlertState.Open, T0)); // before seeding: in the store, so not re-read
        var board = new AlertReadModel { SeededAtCursor = await feed.LatestCursorAsync(ct) };
        using var follower = new AlertReadModelFeedFollower(feed, board, Options.Create(new AlertReadModelFeedOptions()), TimeProvider.System,
            NullLogger<AlertReadModelFeedFollower>.Instance);
        await follower.StartAsync(ct);

        Append(feed, "raised", Alert("a-2", AlertState.Open, T0.AddSeconds(1)));
        Append(feed, "raised", Alert("a-3", AlertState.Open, T0.AddSeconds(2)));
        Append(feed, "closed", Alert("a-3", AlertState.Closed, T0.AddSeconds(3)));
        feed.Append(FeedEventTypes.RegionChanged, FeedEventTypes.RegionSchemaVersion, T0, null, "r-1", JsonSerializer.SerializeToElement(new { }));

        // The cursor first, then the list: the follower moves its cursor after it applied the event, so a list read after
        // the cursor reached 5 holds every change up to it (read the other way round, a-3's close could fall in between).
        var (cursor, listed) = await ServerFixture.EventuallyAsync(
            () =>
            {
                var at = follower.Cursor;
                return Task.FromResult((at, board.Alerts.Select(a => a.AlertId).Order(StringComparer.Ordinal).ToList()));
            },
            seen => seen.at == 5, TimeSpan.FromSeconds(5), ct);
        await follower.StopAsync(ct);

        Assert.Equal(5, cursor);
        Assert.Equal(["a-2"], listed);
    }

    private static void Append(InMemoryFeedLog feed, string action, AlertView alert)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        RiskMonitorJson.Configure(json);
        feed.Append(FeedEventTypes.ForAlertAction(action), FeedEventTypes.AlertSchemaVersion, alert.UpdatedAt, alert.AssetId, alert.RegionId,
            JsonSerializer.SerializeToElement(new AlertFeedPayload(action, "system", null, alert), json));
    }

    private static AlertView Alert(string alertId, AlertState state, DateTimeOffset at) => new(
        alertId, "gp-t-001", "ch4_lel.high", WarningLevel.Red, WarningLevel.Red, state, state != AlertState.Closed, "ch4_lel", 60, at, T0, at,
        null, null, "methane", "Pipe 1", "gas_pipeline", "gas", "r-1");
}
