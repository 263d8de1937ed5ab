using Microsoft.Extensions.Options;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>
/// Browser hardening headers (issue 24 row 9). The pages keep their tokens in localStorage, so a script injected from
/// elsewhere, or the page framed by another site, would be able to use them: every answer says <c>nosniff</c>, may not
/// be framed and sends no referrer, and HTML answers carry a Content Security Policy that admits only the server's own
/// scripts and styles, plus the configured map tile server and identity provider.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The API reference page (Scalar) configures itself with an inline script; it gets every header but the CSP.</summary>
    private const string ReferencePath = "/api/reference";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var policy = ContentSecurityPolicy(app.Configuration["Ui:TileUrl"], app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Authority);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true &&
                    !context.Request.Path.StartsWithSegments(ReferencePath))
                {
                    headers.ContentSecurityPolicy = policy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>The pages' policy: own origin only, plus the tile server's origin for images and the authority's for sign-in.</summary>
    public static string ContentSecurityPolicy(string? tileUrl, string? authority)
    {
        // A Leaflet template's {s} is a rotating subdomain (a, b, c): admit them all with a wildcard.
        var tiles = Origin(tileUrl?.Replace("{s}", "s0", StringComparison.Ordinal).Replace("{z}", "0", StringComparison.Ordinal)
            .Replace("{x}", "0", StringComparison.Ordinal).Replace("{y}", "0", StringComparison.Ordinal).Replace("{r}", "", StringComparison.Ordinal))
            ?.Replace("://s0.", "://*.", StringComparison.Ordinal);
        var idp = Origin(authority);
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            // Leaflet and uPlot set style attributes on the elements they draw; attributes cannot run script, and
            // <style> elements stay refused (style-src-elem falls back to style-src).
            "style-src-attr 'unsafe-inline'",
            $"img-src 'self' data: blob:{(tiles is null ? "" : " " + tiles)}",
            $"connect-src 'self'{(idp is null ? "" : " " + idp)}",
            $"form-action 'self'{(idp is null ? "" : " " + idp)}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'");
    }

    private static string? Origin(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
