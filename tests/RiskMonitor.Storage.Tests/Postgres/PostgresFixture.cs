using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RiskMonitor.Storage.Postgres;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Postgres;

/// <summary>One private PostgreSQL for the storage tests; each test takes a fresh database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresProcess Postgres { get; } = new();

    public ValueTask InitializeAsync() => new(Postgres.StartAsync(TestContext.Current.CancellationToken));

    public ValueTask DisposeAsync() => Postgres.DisposeAsync();

    /// <summary>An empty database, not migrated.</summary>
    public async Task<NpgsqlDataSource> NewDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"rm_test_{Interlocked.Increment(ref _databases)}";
        await Postgres.CreateDatabaseAsync(name, cancellationToken);
        return NpgsqlDataSource.Create(Postgres.ConnectionString(name));
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
