using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskMonitor.Contracts.Access;
using RiskMonitor.Contracts.Devices;
using RiskMonitor.Storage.Access;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Devices;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Evidence;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.GrainState;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.History;
using RiskMonitor.Storage.Integration;
using RiskMonitor.Storage.Notifications;
using RiskMonitor.Storage.Rules;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Storage.Postgres;

public static class PostgresHostingExtensions
{
    /// <summary>The name under <c>ConnectionStrings</c>: <c>ConnectionStrings:RiskMonitor</c>.</summary>
    public const string ConnectionStringName = "RiskMonitor";

    /// <summary>The configured PostgreSQL connection string, or null when the server runs without PostgreSQL.</summary>
    public static string? RiskMonitorConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>
    /// Registers the system of record. With <c>ConnectionStrings:RiskMonitor</c> set: one <see cref="NpgsqlDataSource"/>,
    /// the schema migrations (run before any hosted service starts) and the PostgreSQL stores. Without it: in-memory
    /// stores with the same contracts, for a demo or a unit test, which keep nothing across a restart.
    /// Returns whether PostgreSQL is in use.
    /// </summary>
    public static bool AddRiskMonitorStores(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FeedSignal>();
        services.AddOptions<LevelHistoryOptions>().BindConfiguration(LevelHistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var connectionString = builder.Configuration.RiskMonitorConnectionString();
        if (connectionString is null)
        {
            services.TryAddSingleton<IAssetLevelHistory>(sp => new InMemoryAssetLevelHistory(
                sp.GetRequiredService<IOptions<LevelHistoryOptions>>().Value.MemoryCapacity));
            services.TryAddSingleton<InMemoryFeedLog>();
            services.TryAddSingleton<IFeedStore>(sp => sp.GetRequiredService<InMemoryFeedLog>());
            services.TryAddSingleton<InMemoryNotificationOutbox>();
            services.TryAddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<InMemoryNotificationOutbox>());
            services.TryAddSingleton<IAlertStore, InMemoryAlertStore>();
            services.TryAddSingleton<IDutyRoster, InMemoryDutyRoster>();
            services.TryAddSingleton<IHazardStore, InMemoryHazardStore>();
            services.TryAddSingleton<ITipLineStore, InMemoryTipLineStore>();
            services.TryAddSingleton<IEvidenceStore, InMemoryEvidenceStore>();
            services.TryAddSingleton<ISilenceStore, InMemorySilenceStore>();
            services.TryAddSingleton<IFeedAppender>(sp => sp.GetRequiredService<InMemoryFeedLog>());
            services.TryAddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
            services.TryAddSingleton<IWebhookStore, InMemoryWebhookStore>();
            services.TryAddSingleton<IDeviceCredentialStore, InMemoryDeviceCredentialStore>();
            services.TryAddSingleton<IUserStore, InMemoryUserStore>();
            services.TryAddSingleton<IAuditTrail>(_ => new InMemoryAuditTrail());
            services.TryAddSingleton<IRuleStore, InMemoryRuleStore>();
            return false;
        }

        services.AddOptions<PostgresPoolOptions>().BindConfiguration(PostgresPoolOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new NpgsqlDataSourceBuilder(PostgresPoolOptions.ForStores(builder.Configuration, connectionString))
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.TryAddSingleton(sp => new PostgresGrainStateStore(
            PostgresPoolOptions.ForGrainState(builder.Configuration, connectionString), sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ILogger<PostgresGrainStateStore>>()));
        services.AddSingleton<SchemaMigrator>();
        services.AddHostedService<SchemaMigrationService>();
        AddAlertJournal(builder);
        services.TryAddSingleton<PostgresFeedStore>();
        services.TryAddSingleton<IFeedStore>(sp => sp.GetRequiredService<PostgresFeedStore>());
        services.TryAddSingleton<IFeedAppender>(sp => sp.GetRequiredService<PostgresFeedStore>());
        services.TryAddSingleton<IDutyRoster, PostgresDutyRoster>();
        services.TryAddSingleton<IHazardStore, PostgresHazardStore>();
        services.TryAddSingleton<ITipLineStore, PostgresTipLineStore>();
        services.TryAddSingleton<IEvidenceStore, PostgresEvidenceStore>();
        services.TryAddSingleton<ISilenceStore, PostgresSilenceStore>();
        services.TryAddSingleton<INotificationOutbox, PostgresNotificationOutbox>();
        services.TryAddSingleton<IApiKeyStore, PostgresApiKeyStore>();
        services.TryAddSingleton<IWebhookStore, PostgresWebhookStore>();
        services.TryAddSingleton<PostgresAssetLevelHistory>();
        services.TryAddSingleton<IAssetLevelHistory>(sp => sp.GetRequiredService<PostgresAssetLevelHistory>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresAssetLevelHistory>());
        services.TryAddSingleton<IDeviceCredentialStore, PostgresDeviceCredentialStore>();
        services.TryAddSingleton<IUserStore, PostgresUserStore>();
        services.TryAddSingleton<IAuditTrail, PostgresAuditTrail>();
        services.TryAddSingleton<IRuleStore, PostgresRuleStore>();
        return true;
    }

    /// <summary>
    /// Alert changes go through the node's journal and one group-commit writer (decision 0028). Registered right after
    /// the migration service: hosted services start in registration order, so the journal is open before the silo.
    /// </summary>
    private static void AddAlertJournal(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlertJournalOptions>().BindConfiguration(AlertJournalOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var contentRoot = builder.Environment.ContentRootPath;
        var spool = builder.Configuration["Influx:SpoolDirectory"] is { Length: > 0 } configured ? configured : ".run/spool";
        services.PostConfigure<AlertJournalOptions>(options => options.Directory = string.IsNullOrWhiteSpace(options.Directory)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spool, contentRoot).TrimEnd(Path.DirectorySeparatorChar))!, "alert-journal")
            : Path.GetFullPath(options.Directory, contentRoot));
        services.TryAddSingleton<PostgresAlertStore>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AlertJournalOptions>>().Value;
            return new AlertJournal(options, options.Directory!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AlertJournal>>());
        });
        services.TryAddSingleton<AlertJournalMetrics>();
        services.TryAddSingleton<IAlertStore>(sp => new JournalledAlertStore(sp.GetRequiredService<PostgresAlertStore>(), sp.GetRequiredService<AlertJournal>()));
        services.AddHostedService<AlertJournalService>();
        services.TryAddSingleton(sp => new GroupCommitAlertWriter(
            sp.GetRequiredService<AlertJournal>(),
            sp.GetRequiredService<PostgresAlertStore>(),
            sp.GetRequiredService<IOptions<AlertJournalOptions>>().Value,
            sp.GetRequiredService<AlertJournalMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GroupCommitAlertWriter>>()));
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommitAlertWriter>());
        services.TryAddSingleton(sp => new AlertJournalState(
            sp.GetRequiredService<AlertJournal>(), sp.GetRequiredService<GroupCommitAlertWriter>(), sp.GetRequiredService<IOptions<AlertJournalOptions>>().Value));
    }
}
