using System.Net;
using Microsoft.AspNetCore.SignalR;
using Orleans.Configuration;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Cluster;

/// <summary>
/// One binary, two shapes (docs/decisions/0021-cluster-mode.md): a single node on localhost clustering, or one silo of
/// a cluster whose membership table is in PostgreSQL (the Orleans ADO.NET scripts are applied by migrations 0001 and
/// 0004). The SignalR Redis backplane is added when <c>Redis:Configuration</c> is set.
/// </summary>
public static class ClusterHosting
{
    private const string AdoNetInvariant = "Npgsql";

    public static ISiloBuilder UseRiskMonitorClustering(this ISiloBuilder silo, OrleansHostOptions orleans, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(orleans);
        // Spans started for a grain call (MQTT receive, dispatch) continue inside the grain and in the calls it makes.
        silo.AddActivityPropagation();
        if (orleans.Membership == OrleansClustering.Localhost)
        {
            return silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
        }

        var connectionString = configuration.RiskMonitorConnectionString() is { } configured
            ? PostgresPoolOptions.ForOrleans(configuration, configured)
            :
            throw new InvalidOperationException("Orleans:Membership is AdoNet, but ConnectionStrings:RiskMonitor is not set.");
        if (AlertLifecycleHosting.PersistenceMode(configuration) != OrleansPersistence.AdoNet)
        {
            // Memory grain state in a cluster would lose an asset's state whenever its grain moves to another silo.
            throw new InvalidOperationException("Orleans:Membership is AdoNet, so Orleans:Persistence must be AdoNet too.");
        }

        var advertised = string.IsNullOrWhiteSpace(orleans.AdvertisedIPAddress) ? IPAddress.Loopback : IPAddress.Parse(orleans.AdvertisedIPAddress);
        return silo
            .UseAdoNetClustering(o =>
            {
                o.Invariant = AdoNetInvariant;
                o.ConnectionString = connectionString;
            })
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            })
            .ConfigureEndpoints(advertised, orleans.SiloPort, orleans.GatewayPort, orleans.ListenOnAnyHostAddress);
    }

    /// <summary>With <c>Redis:Configuration</c> set, hub messages go through Redis, so every node's clients get every message.</summary>
    public static ISignalRServerBuilder AddRiskMonitorBackplane(this ISignalRServerBuilder signalR, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(signalR);
        ArgumentNullException.ThrowIfNull(configuration);
        var redis = configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>();
        if (string.IsNullOrWhiteSpace(redis?.Configuration))
        {
            return signalR;
        }

        return signalR.AddStackExchangeRedis(redis.Configuration, o =>
        {
            // One channel prefix per deployment, so two deployments sharing a Redis do not see each other's alerts.
            o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(redis.ChannelPrefix);
        });
    }
}

public enum OrleansClustering
{
    Localhost,
    AdoNet,
}

/// <summary>The SignalR backplane (<c>Redis</c> section).</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string (<c>host:port,password=...</c>); empty = no backplane.</summary>
    public string? Configuration { get; set; }

    public string ChannelPrefix { get; set; } = "riskmonitor";
}
