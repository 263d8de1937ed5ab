using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskMonitor.Server.Messaging;
using RiskMonitor.Server.Reports.Circulars;
using RiskMonitor.Server.Reports.Subscriptions;
using RiskMonitor.Storage.Reports;

namespace RiskMonitor.Server.Reports;

/// <summary>Reports: the risk snapshot (issue 6), circulars and the shift handover (issue 20 item 6), scheduled and on demand.</summary>
internal static class ReportsModule
{
    /// <summary>The clock of the report schedule (decision 0056): the server's, unless a test puts its own under this key to end a period.</summary>
    public const string TimeKey = "reports";

    /// <summary>Call after <c>AddMessaging</c>: the subscribers' reports go out through its record outbox.</summary>
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddKeyedSingleton<TimeProvider>(TimeKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        builder.AddReportSubscriptionStore();
        builder.Services.AddSingleton<ReportSubscriptionCommands>();
        builder.Services.AddSingleton<ScheduledReports>();
        builder.Services.AddSingleton<IReportAttachments, CircularAttachments>();
        builder.Services.AddOptions<CircularOptions>().BindConfiguration(CircularOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CircularSource>();
        builder.Services.AddSingleton<HandoverSource>();
        builder.Services.AddSingleton<CircularQueries>();
        builder.Services.AddHostedService<CircularScheduler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        routes.MapReportEndpoints();
        routes.MapCircularEndpoints();
        routes.MapReportSubscriptionEndpoints();
        return routes;
    }
}
