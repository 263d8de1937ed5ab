using Microsoft.AspNetCore.Http.HttpResults;

namespace RiskMonitor.Server.Endpoints;

/// <summary>The wall display and the on-call page (static files under wwwroot) and the little they need from the server.</summary>
public static class UiEndpoints
{
    public static IEndpointRouteBuilder MapUiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/wall", () => Page("wall.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/oncall", () => Page("oncall.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet("/api/ui/config", (IConfiguration configuration) =>
                TypedResults.Ok(new UiConfig(configuration["Ui:TileUrl"])))
            .WithTags("UI").WithName("GetUiConfig").AllowAnonymous()
            .WithSummary("Settings for the pages: an optional map tile URL (none by default, so the city works offline).");
        return routes;
    }

    private static IResult Page(string file) =>
        Results.File(Path.Combine(AppContext.BaseDirectory, "wwwroot", file), "text/html; charset=utf-8");
}

public sealed record UiConfig(string? TileUrl);
