using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
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

    private static Task<Results<ContentHttpResult, ValidationProblem>> Feed(
        HttpContext http, CapFeedQueries queries, CancellationToken cancellationToken, string? after = null, string? limit = null) =>
        queries.ReadAsync(after, limit, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}", cancellationToken);

    internal static string Serialize(XDocument document)
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
