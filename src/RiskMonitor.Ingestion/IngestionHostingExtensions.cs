using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RiskMonitor.Ingestion.Broker;
using RiskMonitor.Ingestion.Diagnostics;
using RiskMonitor.Ingestion.Dispatch;
using RiskMonitor.Ingestion.Parsing;
using RiskMonitor.Ingestion.Security;

namespace RiskMonitor.Ingestion;

public static class IngestionHostingExtensions
{
    /// <summary>The embedded broker, the parsing pipeline and the dispatcher to grains.</summary>
    public static IHostApplicationBuilder AddMqttIngestion(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // ValidateOnStart makes a typo in appsettings fail at start-up rather than at the first message.
        builder.Services.AddOptions<MqttIngestionOptions>().BindConfiguration(MqttIngestionOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IngestionStats>();
        builder.Services.AddSingleton<DeadLetterStore>();
        builder.Services.AddSingleton<MetricNameCache>(_ => new MetricNameCache());
        builder.Services.AddSingleton<TelemetryParser>();
        builder.Services.AddSingleton<GrainDispatcher>();
        builder.Services.AddSingleton<IngestionMetrics>();
        builder.Services.AddSingleton<IngestionPipeline>();
        builder.Services.AddSingleton<MqttAccessControl>();
        builder.Services.AddSingleton<DeviceProvisioning>();
        // The dispatcher starts before the broker and, hosted services stopping in reverse, stops after it.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GrainDispatcher>());
        var mode = builder.Configuration.GetSection(MqttIngestionOptions.SectionName).GetValue(nameof(MqttIngestionOptions.Mode), MqttMode.Embedded);
        if (mode == MqttMode.External)
        {
            builder.Services.AddSingleton<SharedSubscriptionClient>();
            builder.Services.AddSingleton<OrphanedSessionDrain>();
            builder.Services.AddSingleton<IMqttIngress>(sp => sp.GetRequiredService<SharedSubscriptionClient>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SharedSubscriptionClient>());
        }
        else
        {
            builder.Services.AddSingleton<EmbeddedMqttBroker>();
            builder.Services.AddSingleton<IMqttIngress>(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        }

        return builder;
    }
}
