using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RiskMonitor.Contracts.Json;
using Scalar.AspNetCore;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>The HTTP platform every feature's API stands on: request hardening, JSON, problem details, OpenAPI and health.</summary>
internal static class HttpModule
{
    public static WebApplicationBuilder AddHttpPlatform(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRequestHardening();
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o => RiskMonitorJson.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreUnavailableHandler>();
        services.AddOpenApi();
        services.AddHealthChecks()
            .AddCheck<MqttBrokerHealthCheck>("mqtt", tags: ["ready"])
            .AddCheck<InfluxHealthCheck>("influxdb", tags: ["ready"])
            .AddCheck<AlertJournalHealthCheck>("postgresql", tags: ["ready"]);
        return builder;
    }

    /// <summary>The OpenAPI document, its reference page and the start page: public, like the pages.</summary>
    public static IEndpointRouteBuilder MapApiDocuments(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapOpenApi().AllowAnonymous();
        routes.MapScalarApiReference("/api/reference", o => o.WithTitle("RiskMonitor API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        routes.MapGet("/", () => Results.Redirect("/wall")).ExcludeFromDescription().AllowAnonymous();
        return routes;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();
        return routes;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}
