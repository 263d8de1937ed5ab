using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary><c>GET /api/feed</c> in process, on the in-memory feed and a fake clock: the query string, the filters, the long-poll.</summary>
public sealed class FeedQueriesTests
{
    private static readonly JsonElement Payload = JsonSerializer.SerializeToElement(new { alertId = "a-1" });

    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryFeedLog _feed = new();
    private readonly FeedQueries _queries;

    public FeedQueriesTests() => _queries = new FeedQueries(_feed, _time);

    [Fact]
    public async Task Events_after_the_cursor_come_in_order_filtered_by_type_and_region_with_the_next_cursor()
    {
        var ct = TestContext.Current.CancellationToken;
        _feed.Append("alert.raised", 1, InMemoryPorts.T0, "gp-1", "r-east", Payload);
        _feed.Append("alert.cleared", 1, InMemoryPorts.T0, "gp-1", "r-east", Payload);
        _feed.Append("alert.raised", 1, InMemoryPorts.T0, "gp-2", "r-west", Payload);

        var all = Page(await _queries.ReadAsync(null, null, null, null, null, ct));
        var raisedEast = Page(await _queries.ReadAsync("0", "10", " alert.raised ", "r-east", null, ct));
        var afterTwo = Page(await _queries.ReadAsync("2", "1", null, null, null, ct));
        var caughtUp = Page(await _queries.ReadAsync("3", null, null, null, null, ct));

        Assert.Equal([1L, 2L, 3L], all.Events.Select(e => e.Cursor));
        Assert.Equal(3L, all.Next);
        Assert.Equal([1L], raisedEast.Events.Select(e => e.Cursor));
        Assert.Equal([3L], afterTwo.Events.Select(e => e.Cursor));
        Assert.Equal(3L, afterTwo.Next);
        Assert.Equal((0, 3L), (caughtUp.Events.Count, caughtUp.Next)); // nothing new: the same cursor back
    }

    [Fact]
    public async Task Each_bad_parameter_is_named()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _queries.ReadAsync("-1", "1001", "Alert Raised", new string('r', 201), "31", ct);

        Assert.Equal(["after", "limit", "regionId", "types", "wait"], Assert.IsType<ValidationProblem>(result.Result).ProblemDetails.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_waiting_read_answers_with_the_first_event_appended_or_empty_when_its_wait_runs_out()
    {
        var ct = TestContext.Current.CancellationToken;

        var waiting = _queries.ReadAsync(null, null, null, null, "30", ct);
        Assert.False(waiting.IsCompleted);
        _feed.Append("alert.raised", 1, InMemoryPorts.T0, "gp-1", "r-east", Payload);
        var woken = Page(await waiting.WaitAsync(TimeSpan.FromSeconds(30), ct));

        var idle = _queries.ReadAsync("1", null, null, null, "5", ct);
        Assert.False(idle.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        var empty = Page(await idle.WaitAsync(TimeSpan.FromSeconds(30), ct));

        Assert.Equal([1L], woken.Events.Select(e => e.Cursor));
        Assert.Equal(1L, woken.Next);
        Assert.Equal((0, 1L), (empty.Events.Count, empty.Next));
    }

    private static FeedPage Page(Results<Ok<FeedPage>, ValidationProblem> result) => Assert.IsType<Ok<FeedPage>>(result.Result).Value!;
}
