using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using RiskMonitor.Grains;
using RiskMonitor.Storage.GrainState;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Platform.Orleans;

/// <summary>Where Orleans keeps grain state and reminders (<c>Orleans:Persistence</c>).</summary>
internal enum OrleansPersistence
{
    /// <summary>In memory: unit-level runs and demos without PostgreSQL. Nothing survives a restart.</summary>
    Memory,

    /// <summary>PostgreSQL through the Orleans ADO.NET providers, with the tables from the schema migrations.</summary>
    AdoNet,
}

/// <summary>Grain storage and reminders, in memory or on PostgreSQL (group commit, decision 0045).</summary>
internal static class OrleansPersistenceHosting
{
    /// <summary>
    /// <c>Orleans:Persistence</c> (<c>Memory</c> or <c>AdoNet</c>); when unset, AdoNet if <c>ConnectionStrings:RiskMonitor</c>
    /// is configured, else Memory.
    /// </summary>
    public static OrleansPersistence PersistenceMode(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Orleans:Persistence"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return configuration.RiskMonitorConnectionString() is null ? OrleansPersistence.Memory : OrleansPersistence.AdoNet;
        }

        return Enum.TryParse<OrleansPersistence>(configured, ignoreCase: true, out var mode)
            ? mode
            : throw new InvalidOperationException($"Orleans:Persistence is '{configured}'; use Memory or AdoNet.");
    }

    /// <summary>Grain storage <c>rm</c> and the reminder service, in memory or on PostgreSQL.</summary>
    public static ISiloBuilder AddRiskMonitorPersistence(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (PersistenceMode(configuration) == OrleansPersistence.Memory)
        {
            return silo.AddMemoryGrainStorage(GrainStorage.Name).UseInMemoryReminderService();
        }

        var connectionString = configuration.RiskMonitorConnectionString() is { } configured
            ? PostgresPoolOptions.ForOrleans(configuration, configured)
            :
            throw new InvalidOperationException("Orleans:Persistence is AdoNet, but ConnectionStrings:RiskMonitor is not set.");
        // Grain state by group commit (decision 0045); the Orleans ADO.NET storage stays, under another name, only to
        // read states stored before, so an upgraded node keeps its assets' rules' memory.
        silo.Services.AddGrainStorage(GrainStorage.Name, (sp, _) => new GroupCommitGrainStorage(
            sp.GetRequiredService<PostgresGrainStateStore>(),
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredKeyedService<IGrainStorage>(EarlierGrainStorage)));
        return silo
            .AddAdoNetGrainStorage(EarlierGrainStorage, options =>
            {
                options.Invariant = AdoNetInvariant;
                options.ConnectionString = connectionString;
            })
            .UseAdoNetReminderService(options =>
            {
                options.Invariant = AdoNetInvariant;
                options.ConnectionString = connectionString;
            });
    }

    private const string AdoNetInvariant = "Npgsql";

    /// <summary>The Orleans ADO.NET grain storage, read for states written before decision 0045; never written.</summary>
    private const string EarlierGrainStorage = "rm-adonet";
}

