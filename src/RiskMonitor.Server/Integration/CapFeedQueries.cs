using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Incidents;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// The CAP feed (<c>GET /api/feed/cap?after=&amp;limit=</c>): the alert and incident events after the cursor, each as a
/// CAP 1.2 message in an Atom entry, with <c>self</c> and <c>next</c> links. Reads the feed store only, so the paging
/// and the document are tested on the in-memory feed.
/// </summary>
internal sealed class CapFeedQueries(IFeedStore feed, IOptions<IntegrationOptions> options, IOptions<JsonOptions> json, TimeProvider time)
{
    private static readonly XNamespace Atom = CapEndpoints.Atom;

    /// <summary><paramref name="self"/>: the feed's absolute URL without query, for the links.</summary>
    public async Task<Results<ContentHttpResult, ValidationProblem>> ReadAsync(string? after, string? limit, string self, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        long cursor = 0;
        var size = FeedEndpoints.DefaultLimit;
        if (!string.IsNullOrEmpty(after) && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor)))
        {
            errors[nameof(after)] = ["after must be a whole number from 0."];
        }

        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > FeedEndpoints.MaxLimit))
        {
            errors[nameof(limit)] = [$"limit must be a whole number from 1 to {FeedEndpoints.MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var sender = options.Value.CapSender;
        var events = await feed.ReadAsync(new FeedQuery(cursor, size, [.. CapEndpoints.CapEventTypes, .. IncidentCap.FeedEventTypes]), cancellationToken);
        var next = events.Count > 0 ? events[^1].Cursor : cursor;
        var document = new XElement(Atom + "feed",
            new XElement(Atom + "id", "urn:riskmonitor:feed:cap"),
            new XElement(Atom + "title", "RiskMonitor alerts and incidents (CAP 1.2)"),
            new XElement(Atom + "updated", XmlConvert.ToString(events.Count > 0 ? events[^1].OccurredAt : time.GetUtcNow(), "yyyy-MM-ddTHH:mm:ss.fffzzz")),
            new XElement(Atom + "author", new XElement(Atom + "name", sender)),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", $"{self}?after={cursor}")),
            new XElement(Atom + "link", new XAttribute("rel", "next"), new XAttribute("href", $"{self}?after={next}")));
        foreach (var e in events)
        {
            var cap = e.Payload.TryGetProperty("incident", out var incident)
                ? IncidentCap.ToXml(incident.Deserialize<IncidentRecord>(json.Value.SerializerOptions)!, sender)
                : CapAlert.ToXml(e.Payload.GetProperty("alert").Deserialize<AlertView>(json.Value.SerializerOptions)!, sender,
                    raised: e.Type == FeedEventTypes.AlertRaised);
            document.Add(new XElement(Atom + "entry",
                new XElement(Atom + "id", $"urn:riskmonitor:feed:{e.Cursor.ToString(CultureInfo.InvariantCulture)}"),
                new XElement(Atom + "title", cap.Element(CapAlert.Cap + "info")!.Element(CapAlert.Cap + "headline")!.Value),
                new XElement(Atom + "updated", XmlConvert.ToString(e.OccurredAt, "yyyy-MM-ddTHH:mm:ss.fffzzz")),
                new XElement(Atom + "category", new XAttribute("term", e.Type)),
                new XElement(Atom + "content", new XAttribute("type", CapAlert.MediaType), cap)));
        }

        return TypedResults.Content(CapEndpoints.Serialize(new XDocument(document)), "application/atom+xml", Encoding.UTF8);
    }
}
