using RiskMonitor.Server.Reports.Circulars;

namespace RiskMonitor.Server.Reports;

/// <summary>Reports: the risk snapshot (issue 6), circulars and the shift handover (issue 20 item 6), scheduled and on demand.</summary>
internal static class ReportsModule
{
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CircularOptions>().BindConfiguration(CircularOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CircularSource>();
        builder.Services.AddSingleton<CircularQueries>();
        builder.Services.AddHostedService<CircularScheduler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        routes.MapReportEndpoints();
        routes.MapCircularEndpoints();
        return routes;
    }
}
