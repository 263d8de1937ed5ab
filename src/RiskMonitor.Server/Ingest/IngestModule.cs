using RiskMonitor.Ingestion;
using RiskMonitor.Server.Platform.Orleans;

namespace RiskMonitor.Server.Ingest;

/// <summary>Ingestion over MQTT (the broker, parsers, dispatcher to grains), its failover in a cluster, and its counters over REST.</summary>
internal static class IngestModule
{
    /// <summary>After the silo: the dispatcher sends readings to grains.</summary>
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddMqttIngestion();

        // A cluster on an external broker: the lowest live silo takes over the broker session of a silo declared dead
        // (docs/decisions/0029-failover-of-broker-sessions.md). Off with Mqtt:Broker:TakeOverDeadSessions=false.
        var mqtt = builder.Configuration.GetSection(MqttIngestionOptions.SectionName).Get<MqttIngestionOptions>() ?? new MqttIngestionOptions();
        if (OrleansHostOptions.From(builder.Configuration).Membership == OrleansClustering.AdoNet && mqtt.Mode == MqttMode.External &&
            mqtt.Broker.TakeOverDeadSessions)
        {
            builder.Services.AddHostedService<DeadSiloSessionTakeover>();
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder routes) => routes.MapIngestEndpoints();
}
