using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;
using RiskMonitor.Domain;
using RiskMonitor.Grains.Assets;
using RiskMonitor.Storage.GrainState;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Grains.Tests;

/// <summary>The grain storage as deployed (decision 0045), on a real PostgreSQL with the project's migration.</summary>
public sealed class GroupCommitGrainStorageTests(GroupCommitGrainStorageTests.Database database) : IClassFixture<GroupCommitGrainStorageTests.Database>
{
    private static readonly GrainId Asset = GrainId.Create("asset", "gp-0001");
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_asset_state_written_in_Orleans_binary_form_reads_back_equal_with_its_version_as_etag()
    {
        var storage = database.Storage(earlier: null);
        var written = new GrainState<AssetGrainState>(Sample(), null);

        await storage.WriteStateAsync("asset", Asset, written);
        var read = new GrainState<AssetGrainState>(new AssetGrainState(), null);
        await storage.ReadStateAsync("asset", Asset, read);

        Assert.Equal(("1", true), (written.ETag, written.RecordExists));
        Assert.Equal(("1", true), (read.ETag, read.RecordExists));
        Assert.Equal(T0, read.State!.LastSeen);
        Assert.Equal(WarningLevel.Red, read.State!.Thresholds!["ch4_lel.high"].Confirmed);
        Assert.Equal(61.5, read.State.Latest!["ch4_lel"].Value);
    }

    [Fact]
    public async Task A_grain_with_no_row_yet_starts_from_the_earlier_storage_when_there_is_one_and_its_first_write_inserts_here()
    {
        var earlier = new EarlierStorage(Sample());
        var grain = GrainId.Create("asset", "gp-earlier");

        // Installed after decision 0045: no Orleans ADO.NET states, so a miss is not asked twice.
        var fresh = new GrainState<AssetGrainState>(new AssetGrainState(), null);
        await database.Storage(earlier).ReadStateAsync("asset", grain, fresh);
        Assert.Equal((0, (DateTimeOffset?)null), (earlier.Reads, fresh.State!.LastSeen));

        // Upgraded: the Orleans ADO.NET table holds states (its real shape does not matter to the check).
        await database.ExecuteAsync("CREATE TABLE orleansstorage (grainidhash integer); INSERT INTO orleansstorage VALUES (1)");
        var storage = database.Storage(earlier);
        var read = new GrainState<AssetGrainState>(new AssetGrainState(), null);
        await storage.ReadStateAsync("asset", grain, read);
        Assert.Equal((T0, (string?)null, false), (read.State!.LastSeen, read.ETag, read.RecordExists));

        await storage.WriteStateAsync("asset", grain, read);
        var again = new GrainState<AssetGrainState>(new AssetGrainState(), null);
        await storage.ReadStateAsync("asset", grain, again);

        Assert.Equal(("1", true, T0), (again.ETag, again.RecordExists, again.State!.LastSeen));
        Assert.Equal(1, earlier.Reads); // the second read came from the new table
    }

    [Fact]
    public async Task A_write_over_a_moved_version_is_an_inconsistent_state_for_the_write_behind_to_reread()
    {
        var storage = database.Storage(earlier: null);
        var grain = GrainId.Create("asset", "gp-twice");
        var first = new GrainState<AssetGrainState>(Sample(), null);
        var second = new GrainState<AssetGrainState>(Sample(), null);
        await storage.WriteStateAsync("asset", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("asset", grain, second));
        await storage.ReadStateAsync("asset", grain, second);
        await storage.WriteStateAsync("asset", grain, second);

        Assert.Equal("2", second.ETag);
    }

    private static AssetGrainState Sample() => new()
    {
        LastSeen = T0,
        LastSampleAt = T0,
        Thresholds = new() { ["ch4_lel.high"] = new ThresholdState(WarningLevel.Red, T0, 61.5, [T0, null, null, null, null]) },
        Latest = new() { ["ch4_lel"] = new Contracts.Assets.LatestReading(61.5, T0) },
        Alerts = [],
    };

    /// <summary>A private PostgreSQL with the grain state table from the project's own migration script.</summary>
    public sealed class Database : IAsyncLifetime
    {
        private readonly PostgresProcess _postgres = new();
        private PostgresGrainStateStore? _store;
        private Serializer? _serializer;

        public async Task ExecuteAsync(string sql)
        {
            await using var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString("grains"));
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        public GroupCommitGrainStorage Storage(IGrainStorage? earlier) =>
            new(_store!, new OrleansGrainStorageSerializer(_serializer!), earlier);

        public async ValueTask InitializeAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            await _postgres.StartAsync(ct);
            await _postgres.CreateDatabaseAsync("grains", ct);
            var connectionString = _postgres.ConnectionString("grains");
            using (var script = new StreamReader(typeof(PostgresGrainStateStore).Assembly.GetManifestResourceStream("RiskMonitor.Migrations.0060_grain_state.sql")!))
            {
                await ExecuteAsync(await script.ReadToEndAsync(ct));
            }

            var services = new ServiceCollection()
                .AddMetrics()
                .AddSerializer(builder => builder.AddAssembly(typeof(AssetGrainState).Assembly))
                .BuildServiceProvider();
            _store = new PostgresGrainStateStore(connectionString, services.GetRequiredService<IMeterFactory>(), NullLogger<PostgresGrainStateStore>.Instance);
            _serializer = services.GetRequiredService<Serializer>();
        }

        public async ValueTask DisposeAsync()
        {
            if (_store is not null)
            {
                await _store.DisposeAsync();
            }

            await _postgres.DisposeAsync();
        }
    }

    private sealed class EarlierStorage(AssetGrainState state) : IGrainStorage
    {
        public int Reads { get; private set; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Reads++;
            grainState.State = (T)(object)state;
            grainState.ETag = "earlier-etag";
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            throw new InvalidOperationException("the earlier storage is never written");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            throw new InvalidOperationException("the earlier storage is never cleared");
    }
}
