using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Incidents;

public static class IncidentStorageHosting
{
    /// <summary>The incident store: PostgreSQL when <c>ConnectionStrings:RiskMonitor</c> is set, else in memory beside the in-memory feed.</summary>
    public static IHostApplicationBuilder AddIncidentStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.RiskMonitorConnectionString() is null)
        {
            builder.Services.TryAddSingleton<InMemoryFeedLog>();
            builder.Services.TryAddSingleton<IIncidentStore>(sp => new InMemoryIncidentStore(sp.GetRequiredService<InMemoryFeedLog>()));
        }
        else
        {
            builder.Services.TryAddSingleton<IIncidentStore, PostgresIncidentStore>();
        }

        return builder;
    }
}
