using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using RiskMonitor.Contracts;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Grains.Assets;
using RiskMonitor.Grains.Regions;
using RiskMonitor.Grains.Serialization;
using RiskMonitor.Grains.Tests.Regions;
using RiskMonitor.Storage.GrainState;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Grains.Tests.Serialization;

/// <summary>
/// Exceptions Orleans has no codec for (Npgsql's, our own) reach a caller in another process as a clear error
/// (docs/decisions/0052): first through the serializer alone, then through a cluster client whose grain failed to
/// activate because its state could not be read.
/// </summary>
public sealed class ForeignExceptionCodecTests(ForeignExceptionCodecTests.OutageCluster cluster) : IClassFixture<ForeignExceptionCodecTests.OutageCluster>
{
    private static readonly Serializer Plain = SerializerWith(codec: false);
    private static readonly Serializer WithCodec = SerializerWith(codec: true);

    [Fact]
    public void Without_the_codec_Orleans_cannot_send_an_Npgsql_exception_or_a_storage_failure_that_wraps_one()
    {
        Assert.False(Plain.CanSerialize(typeof(PostgresException)));
        Assert.ThrowsAny<Exception>(() => Plain.SerializeToArray<Exception>(new OrleansException("Error from storage provider", Thrown(Outage()))));
    }

    [Fact]
    public void A_store_outage_inside_a_storage_failure_arrives_as_the_same_PostgresException_with_its_stack_trace()
    {
        var sent = new OrleansException("Error from storage provider GroupCommitGrainStorage.rm during ReadStateAsync", Thrown(Outage()));

        var received = RoundTrip(sent);

        Assert.IsType<OrleansException>(received);
        var pg = Assert.IsType<PostgresException>(received.InnerException);
        Assert.Equal(("57P01", "terminating connection due to administrator command", "FATAL"), (pg.SqlState, pg.MessageText, pg.Severity));
        Assert.True(StoreFailures.IsUnavailable(received)); // 503 at the API and a retry at the dispatcher, as on the grain's own silo
        Assert.Contains(nameof(Thrown), pg.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void A_constraint_violation_keeps_its_SQL_state_constraint_and_table_so_callers_can_tell_it_from_an_outage()
    {
        var sent = Thrown(new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505",
            detail: "Key (credit_code)=(X) already exists.", schemaName: "public", tableName: "organisations", constraintName: "organisations_credit_code"));

        var pg = Assert.IsType<PostgresException>(RoundTrip(sent));

        Assert.Equal(("23505", "organisations_credit_code", "organisations", "public"), (pg.SqlState, pg.ConstraintName, pg.TableName, pg.SchemaName));
        Assert.Equal(sent.Detail, pg.Detail);
        Assert.Equal(sent.Message, pg.Message);
        Assert.False(StoreFailures.IsUnavailable(pg));
    }

    [Fact]
    public void A_client_side_Npgsql_failure_keeps_its_socket_error_as_inner_exception()
    {
        var sent = Thrown(new NpgsqlException("Failed to connect to 10.0.0.5:5432", new SocketException((int)SocketError.ConnectionRefused)));

        var received = Assert.IsType<NpgsqlException>(RoundTrip(sent));

        Assert.Equal(sent.Message, received.Message);
        Assert.IsType<SocketException>(received.InnerException);
        Assert.True(StoreFailures.IsUnavailable(received));
    }

    [Fact]
    public void An_exception_type_of_ours_without_a_codec_arrives_as_a_ForeignException_that_names_it_even_after_a_second_hop()
    {
        var sent = Thrown(new GrainStateConflictException("asset/gp-001", "asset"));

        var received = Assert.IsType<ForeignException>(RoundTrip(sent));
        var again = Assert.IsType<ForeignException>(RoundTrip(received));

        Assert.Equal(typeof(GrainStateConflictException).FullName, received.ExceptionType);
        Assert.Equal(typeof(GrainStateConflictException).FullName, again.ExceptionType);
        Assert.Equal(sent.Message, again.Message);
        Assert.Contains(typeof(GrainStateConflictException).FullName!, again.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Exceptions_Orleans_sends_itself_are_left_to_it()
    {
        var codec = new ForeignExceptionCodec(Microsoft.Extensions.Options.Options.Create(new ExceptionSerializationOptions()));

        Assert.False(codec.IsSupportedType(typeof(InvalidOperationException)));
        Assert.False(codec.IsSupportedType(typeof(SocketException)));
        Assert.True(codec.IsSupportedType(typeof(PostgresException)));
        Assert.Equal(typeof(TimeoutException), RoundTrip(new TimeoutException("slow")).GetType());
    }

    [Theory]
    [InlineData("rg-1", typeof(PostgresException))]
    [InlineData("rg-2", typeof(ForeignException))]
    public async Task A_grain_whose_state_cannot_be_read_fails_for_its_remote_caller_with_the_store_error_not_a_codec_error(string region, Type expected)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Cluster.Client.GetGrain<IRegionGrain>(region).GetSummary().AsTask());

        var chain = Chain(failure).ToList();
        Assert.Contains(chain, e => e.GetType() == expected);
        Assert.DoesNotContain(chain, e => e is SerializerException);
        if (expected == typeof(PostgresException))
        {
            Assert.Equal("57P01", chain.OfType<PostgresException>().Single().SqlState);
            Assert.True(StoreFailures.IsUnavailable(failure));
        }
        else
        {
            Assert.Equal(typeof(GrainStateConflictException).FullName, chain.OfType<ForeignException>().Single().ExceptionType);
        }
    }

    private static PostgresException Outage() => new("terminating connection due to administrator command", "FATAL", "FATAL", "57P01");

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    // Thrown and caught, so the exception has a stack trace as a grain's would.
    private static T Thrown<T>(T exception)
        where T : Exception
    {
        try
        {
            throw exception;
        }
        catch (T caught)
        {
            return caught;
        }
    }

    private static Exception RoundTrip(Exception exception) => WithCodec.Deserialize<Exception>(WithCodec.SerializeToArray(exception))!;

    private static Serializer SerializerWith(bool codec)
    {
        var services = new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(AssetGrainState).Assembly));
        if (codec)
        {
            services.AddForeignExceptionCodec();
        }

        return services.BuildServiceProvider().GetRequiredService<Serializer>();
    }

    /// <summary>A silo whose grain storage fails every read: PostgreSQL going away for grain rg-1, our own conflict error for rg-2.</summary>
    public sealed class OutageCluster : IAsyncLifetime
    {
        public InProcessTestCluster Cluster { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var builder = new InProcessTestClusterBuilder();
            builder.ConfigureSilo((_, silo) => silo.UseInMemoryReminderService());
            builder.ConfigureSiloHost((_, host) =>
            {
                host.Services.AddForeignExceptionCodec();
                host.Services.AddGrainStorage(GrainStorage.Name, (_, _) => new FailingStorage());
                host.Services.AddSingleton(TestRegionCity.Map);
                host.Services.AddSingleton<IRegionMapSource>(new FixedRegionMapSource(TestRegionCity.Map));
                host.Services.AddSingleton<IRegionEventSink>(new RecordingRegionSink());
                host.Services.AddSingleton(TimeProvider.System);
            });
            builder.ConfigureClient(client => client.Services.AddForeignExceptionCodec());
            Cluster = builder.Build();
            await Cluster.DeployAsync(TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
    }

    private sealed class FailingStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            throw (grainId.Key.ToString() == "rg-1" ? Outage() : new GrainStateConflictException(grainId.ToString(), stateName));

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }
}
