using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Storage;

public static class StorageHostingExtensions
{
    /// <summary>
    /// Registers <see cref="IReadingWriter"/> (InfluxDB, configuration section <c>Influx</c>) and the hosted service
    /// that drains it. Start-up does not wait for InfluxDB.
    /// </summary>
    public static IHostApplicationBuilder AddInfluxReadingWriter(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InfluxOptions>().BindConfiguration(InfluxOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        // A relative spool path follows the content root, not whatever directory the service was launched from.
        var contentRoot = builder.Environment.ContentRootPath;
        services.PostConfigure<InfluxOptions>(options =>
        {
            if (!string.IsNullOrWhiteSpace(options.SpoolDirectory))
            {
                options.SpoolDirectory = Path.GetFullPath(options.SpoolDirectory, contentRoot);
            }
        });
        services.TryAddSingleton(TimeProvider.System);

        // The writer holds one HttpClient for its lifetime, so the handler is not rotated by the factory; the pooled
        // connection lifetime makes it pick up DNS changes (InfluxDB moved, a failover) instead.
        services.AddHttpClient(InfluxReadingWriter.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddSingleton(provider => new InfluxReadingWriter(
            provider.GetRequiredService<IOptions<InfluxOptions>>().Value,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(InfluxReadingWriter.HttpClientName),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<InfluxReadingWriter>>()));
        services.AddSingleton<IReadingWriter>(provider => provider.GetRequiredService<InfluxReadingWriter>());
        services.AddHostedService<InfluxWriterHostedService>();
        services.AddSingleton(provider => new InfluxSeriesReader(
            provider.GetRequiredService<IOptions<InfluxOptions>>().Value,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(InfluxReadingWriter.HttpClientName)));
        services.AddSingleton<ISeriesReader>(provider => provider.GetRequiredService<InfluxSeriesReader>());
        services.AddSingleton<ISampleHistory>(provider => provider.GetRequiredService<InfluxSeriesReader>());
        return builder;
    }
}
