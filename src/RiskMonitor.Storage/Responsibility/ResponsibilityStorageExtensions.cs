using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Responsibility;

public static class ResponsibilityStorageExtensions
{
    /// <summary>The responsibility registry and party cases: PostgreSQL with a connection string, memory without.</summary>
    public static IHostApplicationBuilder AddResponsibilityStores(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.RiskMonitorConnectionString() is null)
        {
            builder.Services.TryAddSingleton<IResponsibilityStore, InMemoryResponsibilityStore>();
            builder.Services.TryAddSingleton<IPartyCaseStore, InMemoryPartyCaseStore>();
            return builder;
        }

        builder.Services.TryAddSingleton<IResponsibilityStore>(sp => new PostgresResponsibilityStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.TryAddSingleton<IPartyCaseStore>(sp => new PostgresPartyCaseStore(sp.GetRequiredService<NpgsqlDataSource>()));
        return builder;
    }
}
