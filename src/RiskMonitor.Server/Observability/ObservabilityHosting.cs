using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RiskMonitor.Ingestion.Diagnostics;
using RiskMonitor.Storage.Alerts.Journal;

namespace RiskMonitor.Server.Observability;

/// <summary>
/// OpenTelemetry metrics on <c>/metrics</c> (Prometheus text format) and trace spans across MQTT -> grain -> SignalR.
/// Spans are only recorded when an exporter is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), so by default tracing
/// costs nothing.
/// </summary>
public static class ObservabilityHosting
{
    public const string MetricsPath = "/metrics";

    // The runtime's own meters: HTTP server, Kestrel, SignalR connections, and Orleans (activations, messaging).
    private static readonly string[] PlatformMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.Orleans",
        "System.Runtime",
    ];

    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ServerMetrics>();
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(IngestionMetrics.MeterName, ServerMetrics.MeterName, AlertJournalMetrics.MeterName)
                .AddMeter(PlatformMeters)
                .AddOwnInstrumentsOnly()
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(tracing => tracing
                .AddSource(IngestionMetrics.MeterName, ServerMetrics.MeterName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter());
        }

        return builder;
    }

    // Meters are chosen by name across the whole process, so with several hosts in one process (the tests, or an
    // in-process second silo) each would export the others' instruments too. Keep this host's own (made by its
    // IMeterFactory) and the process-wide ones (no scope, e.g. System.Runtime).
    private static MeterProviderBuilder AddOwnInstrumentsOnly(this MeterProviderBuilder metrics)
    {
        ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();
            provider.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own)
                ? null
                : MetricStreamConfiguration.Drop);
        });
        return metrics;
    }

    public static IEndpointRouteBuilder MapObservabilityEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return routes;
    }
}
