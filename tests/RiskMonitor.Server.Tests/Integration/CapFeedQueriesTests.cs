using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Server.Integration;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary>
/// <c>GET /api/feed/cap</c> in process, on the in-memory feed: only the events a CAP consumer acts on, each a CAP message
/// in an Atom entry, paged by cursor with self and next links; a bad cursor or limit is named.
/// </summary>
public sealed class CapFeedQueriesTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";
    private const string Self = "https://city.example/api/feed/cap";
    private readonly JsonOptions _json = new();
    private readonly InMemoryFeedLog _feed = new();
    private readonly CapFeedQueries _queries;

    public CapFeedQueriesTests() => _queries = new CapFeedQueries(
        _feed, Options.Create(new IntegrationOptions { CapSender = "cc@city.example" }), Options.Create(_json), new FakeTimeProvider(InMemoryPorts.T0));

    [Fact]
    public async Task Alert_events_come_as_cap_messages_in_atom_entries_and_a_comment_between_them_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var raised = InMemoryPorts.Alert("gp-1:ch4", "gp-1", "r-east", WarningLevel.Red);
        Append(FeedEventTypes.AlertRaised, raised);
        Append("alert.commented", raised with { UpdatedAt = InMemoryPorts.T0.AddMinutes(1) });
        Append(FeedEventTypes.AlertCleared, raised with { ConditionActive = false, UpdatedAt = InMemoryPorts.T0.AddMinutes(2), ClearedAt = InMemoryPorts.T0.AddMinutes(2) });

        var feed = Read(await _queries.ReadAsync(null, null, Self, ct));

        var entries = feed.Elements(Atom + "entry").ToList();
        Assert.Equal(["urn:riskmonitor:feed:1", "urn:riskmonitor:feed:3"], entries.Select(e => e.Element(Atom + "id")!.Value));
        Assert.Equal([FeedEventTypes.AlertRaised, FeedEventTypes.AlertCleared], entries.Select(e => e.Element(Atom + "category")!.Attribute("term")!.Value));
        var messages = entries.Select(e => e.Element(Atom + "content")!.Element(Cap + "alert")!).ToList();
        Assert.Equal(["Alert", "Update"], messages.Select(m => m.Element(Cap + "msgType")!.Value));
        Assert.All(messages, m => Assert.Equal("cc@city.example", m.Element(Cap + "sender")!.Value));
        Assert.Equal("cc@city.example", feed.Element(Atom + "author")!.Element(Atom + "name")!.Value);
        Assert.Equal((Self + "?after=0", Self + "?after=3"), (Link(feed, "self"), Link(feed, "next")));
    }

    [Fact]
    public async Task A_page_after_the_cursor_links_to_the_next_and_a_caught_up_reader_keeps_its_cursor()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 1; i <= 3; i++)
        {
            Append(FeedEventTypes.AlertRaised, InMemoryPorts.Alert($"gp-{i}:ch4", $"gp-{i}", "r-east", WarningLevel.Orange));
        }

        var page = Read(await _queries.ReadAsync("1", "1", Self, ct));
        var caughtUp = Read(await _queries.ReadAsync("3", null, Self, ct));

        Assert.Equal(["urn:riskmonitor:feed:2"], page.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value));
        Assert.Equal((Self + "?after=1", Self + "?after=2"), (Link(page, "self"), Link(page, "next")));
        Assert.Empty(caughtUp.Elements(Atom + "entry"));
        Assert.Equal(Self + "?after=3", Link(caughtUp, "next"));
    }

    [Fact]
    public async Task A_bad_cursor_and_limit_are_each_named()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _queries.ReadAsync("-1", "0", Self, ct);

        Assert.Equal(["after", "limit"], Assert.IsType<ValidationProblem>(result.Result).ProblemDetails.Errors.Keys.Order(StringComparer.Ordinal));
    }

    private void Append(string type, AlertView alert) =>
        _feed.Append(type, 1, alert.UpdatedAt, alert.AssetId, alert.RegionId, JsonSerializer.SerializeToElement(new { alert }, _json.SerializerOptions));

    private static XElement Read(Results<ContentHttpResult, ValidationProblem> result)
    {
        var content = Assert.IsType<ContentHttpResult>(result.Result);
        Assert.Equal("application/atom+xml", content.ContentType?.Split(';')[0]);
        return XDocument.Parse(content.ResponseContent!).Root!;
    }

    private static string Link(XElement feed, string rel) =>
        feed.Elements(Atom + "link").Single(l => l.Attribute("rel")!.Value == rel).Attribute("href")!.Value;
}
