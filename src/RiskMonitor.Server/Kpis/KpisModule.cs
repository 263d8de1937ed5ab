namespace RiskMonitor.Server.Kpis;

/// <summary>Alert handling figures over REST: the period KPIs and the hourly series.</summary>
internal static class KpisModule
{
    public static WebApplicationBuilder AddKpis(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<KpiQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapKpis(this IEndpointRouteBuilder routes)
    {
        routes.MapKpiEndpoints();
        routes.MapHourlyKpiEndpoints();
        return routes;
    }
}
