using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RiskMonitor.Ingestion.Diagnostics;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Platform.Observability;

/// <summary>
/// OpenTelemetry metrics on <c>/metrics</c> (Prometheus text format) and trace spans across MQTT -> grain -> SignalR.
/// Spans are only recorded when an exporter is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), so by default tracing
/// costs nothing.
/// </summary>
internal static class ObservabilityHosting
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
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(IngestionMetrics.MeterName, ServerMetrics.MeterName, AlertJournalMetrics.MeterName)
                .AddMeter(PlatformMeters)
                .AddOwnInstrumentsOnly()
                .AddPrometheusExporter());

        if (TracingConfigured(builder.Configuration))
        {
            otel.WithTracing(tracing => tracing
                .AddSource(IngestionMetrics.MeterName, ServerMetrics.MeterName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>Spans are recorded and exported only when an OTLP endpoint is configured.</summary>
    public static bool TracingConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    // Meters are chosen by name across the whole process, so with several hosts in one process (the tests, or an
    // in-process second silo) each would export the others' instruments too. Keep this host's own (made by its
    // IMeterFactory) and the process-wide ones (no scope, e.g. System.Runtime).
    private static MeterProviderBuilder AddOwnInstrumentsOnly(this MeterProviderBuilder metrics)
    {
        ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();
            provider.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own)
                ? PublicView(instrument)
                : MetricStreamConfiguration.Drop);
        });
        return metrics;
    }

    // The platform's instruments that carry an error.type tag, with every other tag they have: error.type is the
    // exception's type name on an unhandled error, which /metrics (public by default) must not publish (issue 24 row 4).
    private static readonly Dictionary<string, string[]> TagsWithoutErrorType = new(StringComparer.Ordinal)
    {
        ["http.server.request.duration"] = ["http.request.method", "http.response.status_code", "http.route", "network.protocol.version", "url.scheme"],
        ["kestrel.connection.duration"] =
            ["network.protocol.name", "network.protocol.version", "network.transport", "network.type", "server.address", "server.port", "tls.protocol.version"],
        ["kestrel.tls_handshake.duration"] = ["network.transport", "network.type", "server.address", "server.port", "tls.protocol.version"],
        ["signalr.server.connection.duration"] = ["signalr.connection.status", "signalr.transport"],
        // The runtime's own count of thrown exceptions (System.Runtime meter) is tagged with the type name: one total.
        ["dotnet.exceptions"] = [],
    };

    /// <summary>
    /// How one of this host's instruments is exported: exception counts by type (<c>aspnetcore.diagnostics.exceptions</c>)
    /// not at all, the instruments with an <c>error.type</c> tag without it, the rest as they are (null).
    /// </summary>
    internal static MetricStreamConfiguration? PublicView(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (instrument.Name == "aspnetcore.diagnostics.exceptions")
        {
            return MetricStreamConfiguration.Drop;
        }

        // A plain stream configuration keeps the instrument's own (advised) histogram buckets; only the tags narrow.
        return TagsWithoutErrorType.TryGetValue(instrument.Name, out var tags) ? new MetricStreamConfiguration { TagKeys = tags } : null;
    }

    /// <summary>
    /// <c>/metrics</c>: on <see cref="MetricsOptions.Port"/> only when it is set, and behind
    /// <see cref="MetricsOptions.Key"/> when that is set (issue 24 row 9, decision 0030).
    /// </summary>
    public static IEndpointRouteBuilder MapObservabilityEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var options = routes.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var key = options.Key is { Length: > 0 } k ? ApiKeyMaterial.Hash(k) : null;
        var endpoint = routes.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (key is not null)
            {
                branch.Use((context, next) => PresentsKey(context.Request, key)
                    ? next(context)
                    : SecurityHosting.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Metrics key required",
                        "Send the metrics key as Authorization: Bearer <key>."));
            }
        }, optionsName: null).AllowAnonymous();
        if (options.Port is { } port)
        {
            endpoint.RequireHost($"*:{port.ToString(CultureInfo.InvariantCulture)}");
        }

        return routes;
    }

    private static bool PresentsKey(HttpRequest request, byte[] keyHash)
    {
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && header.Length - Bearer.Length <= 200 &&
            CryptographicOperations.FixedTimeEquals(ApiKeyMaterial.Hash(header[Bearer.Length..].Trim()), keyHash);
    }
}
