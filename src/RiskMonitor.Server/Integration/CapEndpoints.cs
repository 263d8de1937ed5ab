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
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// CAP 1.2 out: one alert (<c>GET /api/alerts/{id}/cap</c>, open like the other alert endpoints) and the CAP feed
/// (<c>GET /api/feed/cap?after=</c>, an Atom feed of the alert events as CAP messages, behind <c>feed:read</c>).
/// </summary>
internal static class CapEndpoints
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>The alert events that change what a CAP consumer shows; comments and workflow steps in between do not.</summary>
    public static readonly IReadOnlyList<string> CapEventTypes =
        [FeedEventTypes.AlertRaised, FeedEventTypes.AlertUpdated, FeedEventTypes.AlertCleared, "alert.closed"];

    public static IEndpointRouteBuilder MapCapEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/alerts/{alertId}/cap", One).WithTags("Alerts").WithName("GetAlertCap")
            .WithSummary("The alert as an OASIS CAP 1.2 message (application/cap+xml).");
        routes.MapGet("/api/feed/cap", Feed).WithTags("Feed").WithName("ReadCapFeed").RequireAuthorization(IntegrationPolicies.FeedRead)
            .WithSummary("Alert events after the cursor as an Atom feed of CAP 1.2 messages; the next cursor is the 'next' link.");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> One(
        string alertId, IAlertStore store, IOptions<IntegrationOptions> options, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(alertId, cancellationToken) is not { } alert)
        {
            return Problems.NotFound("Unknown alert", $"No alert '{alertId}'.");
        }

        return TypedResults.Content(Serialize(new XDocument(CapAlert.ToXml(alert, options.Value.CapSender))), CapAlert.MediaType, Encoding.UTF8);
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem>> Feed(
        HttpContext http, IFeedStore feed, IOptions<IntegrationOptions> options, IOptions<JsonOptions> json, TimeProvider time,
        CancellationToken cancellationToken, string? after = null, string? limit = null)
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

        var events = await feed.ReadAsync(new FeedQuery(cursor, size, [.. CapEventTypes, .. IncidentCap.FeedEventTypes]), cancellationToken);
        var next = events.Count > 0 ? events[^1].Cursor : cursor;
        var self = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}";
        var document = new XElement(Atom + "feed",
            new XElement(Atom + "id", "urn:riskmonitor:feed:cap"),
            new XElement(Atom + "title", "RiskMonitor alerts and incidents (CAP 1.2)"),
            new XElement(Atom + "updated", XmlConvert.ToString(events.Count > 0 ? events[^1].OccurredAt : time.GetUtcNow(), "yyyy-MM-ddTHH:mm:ss.fffzzz")),
            new XElement(Atom + "author", new XElement(Atom + "name", options.Value.CapSender)),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", $"{self}?after={cursor}")),
            new XElement(Atom + "link", new XAttribute("rel", "next"), new XAttribute("href", $"{self}?after={next}")));
        foreach (var e in events)
        {
            var cap = e.Payload.TryGetProperty("incident", out var incident)
                ? IncidentCap.ToXml(incident.Deserialize<IncidentRecord>(json.Value.SerializerOptions)!, options.Value.CapSender)
                : CapAlert.ToXml(e.Payload.GetProperty("alert").Deserialize<AlertView>(json.Value.SerializerOptions)!, options.Value.CapSender,
                    raised: e.Type == FeedEventTypes.AlertRaised);
            document.Add(new XElement(Atom + "entry",
                new XElement(Atom + "id", $"urn:riskmonitor:feed:{e.Cursor.ToString(CultureInfo.InvariantCulture)}"),
                new XElement(Atom + "title", cap.Element(CapAlert.Cap + "info")!.Element(CapAlert.Cap + "headline")!.Value),
                new XElement(Atom + "updated", XmlConvert.ToString(e.OccurredAt, "yyyy-MM-ddTHH:mm:ss.fffzzz")),
                new XElement(Atom + "category", new XAttribute("term", e.Type)),
                new XElement(Atom + "content", new XAttribute("type", CapAlert.MediaType), cap)));
        }

        return TypedResults.Content(Serialize(new XDocument(document)), "application/atom+xml", Encoding.UTF8);
    }

    private static string Serialize(XDocument document)
    {
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(new Utf8StringWriter(text), new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            document.Save(writer);
        }

        return text.ToString();
    }

    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
