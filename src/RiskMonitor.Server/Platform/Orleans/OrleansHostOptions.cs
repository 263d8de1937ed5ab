namespace RiskMonitor.Server.Platform.Orleans;

/// <summary>Orleans ports; distinct per process so that several servers (tests, a second node) can share a machine.</summary>
internal sealed class OrleansHostOptions
{
    public const string SectionName = "Orleans";

    /// <summary>
    /// Localhost: one node. AdoNet: a cluster whose membership table is in PostgreSQL (ConnectionStrings:RiskMonitor).
    /// Not named <c>Orleans:Clustering</c>: Orleans itself reads that section to pick a provider by configuration.
    /// </summary>
    public OrleansClustering Membership { get; set; } = OrleansClustering.Localhost;

    /// <summary>Memory or AdoNet (read by OrleansPersistenceHosting.PersistenceMode); default AdoNet when a connection string is set.</summary>
    public OrleansPersistence? Persistence { get; set; }

    /// <summary>Silos with the same cluster id form one cluster; a rolling upgrade keeps it.</summary>
    [System.ComponentModel.DataAnnotations.Required] public string ClusterId { get; set; } = "riskmonitor";

    /// <summary>Identifies the application's state (grain storage, reminders) across deployments: never change it.</summary>
    [System.ComponentModel.DataAnnotations.Required] public string ServiceId { get; set; } = "riskmonitor";

    /// <summary>The address other silos reach this one on (the pod IP in Kubernetes); default loopback.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Listen on every interface while advertising <see cref="AdvertisedIPAddress"/> (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    [System.ComponentModel.DataAnnotations.Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary>The section as configured, for the registrations that depend on it (clustering, broker failover, the feed follower).</summary>
    public static OrleansHostOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
}
