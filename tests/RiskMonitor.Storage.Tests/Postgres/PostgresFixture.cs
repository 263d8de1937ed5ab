using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RiskMonitor.Storage.Postgres;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Postgres;

/// <summary>One private PostgreSQL for the storage tests; each test takes a fresh database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly IConfiguration EmptyConfiguration = new ConfigurationBuilder().Build();

    private int _databases;

    public PostgresProcess Postgres { get; } = new();

    public ValueTask InitializeAsync() => new(Postgres.StartAsync(TestContext.Current.CancellationToken));

    public ValueTask DisposeAsync() => Postgres.DisposeAsync();

    /// <summary>An empty database, not migrated.</summary>
    public async Task<NpgsqlDataSource> NewDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"rm_test_{Interlocked.Increment(ref _databases)}";
        await Postgres.CreateDatabaseAsync(name, cancellationToken);
        // The stores' connection settings as the server makes them (prepared statements included), so what these tests
        // run is what the server runs.
        return NpgsqlDataSource.Create(PostgresPoolOptions.ForStores(EmptyConfiguration, Postgres.ConnectionString(name)));
    }

    /// <summary>A database at the newest schema.</summary>
    public async Task<NpgsqlDataSource> NewMigratedDatabaseAsync(CancellationToken cancellationToken)
    {
        var dataSource = await NewDatabaseAsync(cancellationToken);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        return dataSource;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
