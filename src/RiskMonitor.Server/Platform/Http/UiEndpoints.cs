using Microsoft.Extensions.Options;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>The wall display and the on-call page (static files under wwwroot) and the little they need from the server.</summary>
internal static class UiEndpoints
{
    public static IEndpointRouteBuilder MapUiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/wall", () => Page("wall.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/oncall", () => Page("oncall.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/oncall/incidents", () => Page("incidents.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/oncall/unit", () => Page("unit.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/rules", () => Page("rules.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/api/ui/config", (IConfiguration configuration, IOptions<AuthOptions> auth) =>
                TypedResults.Ok(new UiConfig(configuration["Ui:TileUrl"], UiAuthConfig.Of(auth.Value))))
            .WithTags("UI").WithName("GetUiConfig").AllowAnonymous()
            .WithSummary("Settings for the pages: an optional map tile URL (none by default, so the city works offline) and how they sign in.");
        return routes;
    }

    private static IResult Page(string file) =>
        Results.File(Path.Combine(AppContext.BaseDirectory, "wwwroot", file), "text/html; charset=utf-8");
}

/// <param name="TileUrl">A map tile URL template; none by default, so the city works offline.</param>
/// <param name="Auth">How the pages sign in.</param>
internal sealed record UiConfig(string? TileUrl, UiAuthConfig Auth);

/// <summary>
/// How the pages sign in: <c>builtin</c> = name and password at <c>POST /api/auth/token</c>; <c>oidc</c> = the
/// authorization code flow with PKCE at <see cref="Authority"/> as the public client <see cref="ClientId"/>.
/// Nothing here is secret: a public client has none.
/// </summary>
internal sealed record UiAuthConfig(string Mode, string? Authority, string? ClientId, string? Scope)
{
    public const string BuiltIn = "builtin";
    public const string Oidc = "oidc";

    public static UiAuthConfig Of(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Authority is { } authority
            ? new UiAuthConfig(Oidc, authority, options.ClientId, options.Scope)
            : new UiAuthConfig(BuiltIn, null, null, null);
    }
}
