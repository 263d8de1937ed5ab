using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RiskMonitor.Ingestion;
using RiskMonitor.Ingestion.Broker;
using RiskMonitor.Server.Platform.Observability;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Platform.Orleans;

/// <summary>
/// One binary, two shapes (docs/decisions/0021-cluster-mode.md): a single node on localhost clustering, or one silo of
/// a cluster whose membership table is in PostgreSQL (the Orleans ADO.NET scripts are applied by migrations 0001 and
/// 0004). The SignalR Redis backplane is added when <c>Redis:Configuration</c> is set.
/// </summary>
internal static class ClusterHosting
{
    private const string AdoNetInvariant = "Npgsql";

    public static ISiloBuilder UseRiskMonitorClustering(this ISiloBuilder silo, OrleansHostOptions orleans, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(orleans);
        // Spans started for a grain call (MQTT receive, dispatch) continue inside the grain and in the calls it makes.
        // Only when spans are exported: the propagation filters run on every grain call, a few per reading.
        if (ObservabilityHosting.TracingConfigured(configuration))
        {
            silo.AddActivityPropagation();
        }
        if (orleans.Membership == OrleansClustering.Localhost)
        {
            return silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
        }

        var connectionString = configuration.RiskMonitorConnectionString() is { } configured
            ? PostgresPoolOptions.ForOrleans(configuration, configured)
            :
            throw new InvalidOperationException("Orleans:Membership is AdoNet, but ConnectionStrings:RiskMonitor is not set.");
        if (OrleansPersistenceHosting.PersistenceMode(configuration) != OrleansPersistence.AdoNet)
        {
            // Memory grain state in a cluster would lose an asset's state whenever its grain moves to another silo.
            throw new InvalidOperationException("Orleans:Membership is AdoNet, so Orleans:Persistence must be AdoNet too.");
        }

        var advertised = string.IsNullOrWhiteSpace(orleans.AdvertisedIPAddress) ? IPAddress.Loopback : IPAddress.Parse(orleans.AdvertisedIPAddress);
        silo.Services.AddOptions<ClusterLivenessOptions>().BindConfiguration(ClusterLivenessOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure<IOptions<ClusterLivenessOptions>>((membership, liveness) => liveness.Value.ApplyTo(membership));
        // The silo's name is its MQTT client id, so when membership declares it dead a survivor knows which broker
        // session to take over (DeadSiloSessionTakeover). PostConfigure: Orleans sets a default name of its own.
        silo.Services.AddOptions<SiloOptions>()
            .PostConfigure<IOptions<MqttIngestionOptions>>((o, mqtt) => o.SiloName = SharedSubscriptionClient.ResolveClientId(mqtt.Value));
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

internal enum OrleansClustering
{
    Localhost,
    AdoNet,
}

/// <summary>The SignalR backplane (<c>Redis</c> section).</summary>
internal sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string (<c>host:port,password=...</c>); empty = no backplane.</summary>
    public string? Configuration { get; set; }

    public string ChannelPrefix { get; set; } = "riskmonitor";
}

/// <summary>
/// Orleans failure detection (<c>Orleans:Liveness</c>), chosen so that a silo that died is declared dead in well
/// under 60 s (docs/decisions/0029-failover-of-broker-sessions.md): until then, grains it hosted cannot be activated
/// elsewhere and its broker session cannot be taken over. A killed process refuses connections, so each probe fails
/// at once and the death takes about <see cref="NumMissedProbesLimit"/> probe periods; a machine that stops answering
/// takes <see cref="NumMissedProbesLimit"/> x <see cref="ProbeTimeout"/> (9 s) plus gossip. Shorter timeouts would
/// start to declare a silo dead during a long GC pause or CPU starvation on a busy two-core node.
/// </summary>
internal sealed class ClusterLivenessOptions
{
    public const string SectionName = "Orleans:Liveness";

    /// <summary>Initial probe timeout and period (Orleans adapts it per peer between half and four times this); Orleans' default is 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")] public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Missed probes in a row before a silo votes its peer dead (Orleans' default, 3).</summary>
    [Range(1, 10)] public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Votes needed; Orleans lowers it to a majority of the live silos, so one survivor of two decides alone.</summary>
    [Range(1, 10)] public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a vote counts: shorter than Orleans' 2 min so stale suspicions do not add up to a death.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")] public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each silo reads the membership table, in case a gossip message was lost (Orleans' default, 60 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Heartbeat written to the membership table; a silo silent for three of these counts as stale.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void ApplyTo(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = ProbeTimeout;
        membership.MinProbeTimeout = ProbeTimeout / 2;
        membership.MaxProbeTimeout = ProbeTimeout * 4;
        membership.NumMissedProbesLimit = NumMissedProbesLimit;
        membership.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration;
        membership.DeathVoteExpirationTimeout = DeathVoteExpirationTimeout;
        membership.TableRefreshTimeout = TableRefreshTimeout;
        membership.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
    }
}
