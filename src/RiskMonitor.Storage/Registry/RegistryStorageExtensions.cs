using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Registry;

public static class RegistryStorageExtensions
{
    /// <summary>The live registry's changes: PostgreSQL with a connection string, memory without.</summary>
    public static IHostApplicationBuilder AddRegistryFeatureStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.RiskMonitorConnectionString() is null)
        {
            builder.Services.TryAddSingleton<IRegistryFeatureStore, InMemoryRegistryFeatureStore>();
            return builder;
        }

        builder.Services.TryAddSingleton<IRegistryFeatureStore>(sp => new PostgresRegistryFeatureStore(sp.GetRequiredService<NpgsqlDataSource>()));
        return builder;
    }
}
