using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Drills;

public static class DrillStorageHosting
{
    /// <summary>The drill store: PostgreSQL when <c>ConnectionStrings:RiskMonitor</c> is set, else in memory.</summary>
    public static IHostApplicationBuilder AddDrillStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.RiskMonitorConnectionString() is null)
        {
            builder.Services.TryAddSingleton<IDrillStore, InMemoryDrillStore>();
        }
        else
        {
            builder.Services.TryAddSingleton<IDrillStore, PostgresDrillStore>();
        }

        return builder;
    }
}
