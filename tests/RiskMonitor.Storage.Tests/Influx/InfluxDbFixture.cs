using RiskMonitor.Storage.Influx;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Storage.Tests.Influx;

/// <summary>One private influxd shared by the tests of a class that do not take it down.</summary>
public sealed class InfluxDbFixture : IAsyncLifetime
{
    public InfluxDbProcess Influx { get; } = new();

    public ValueTask InitializeAsync() => new(Influx.StartAsync(TestContext.Current.CancellationToken));

    public ValueTask DisposeAsync() => Influx.DisposeAsync();
}

/// <summary>
/// A test class with an influxd and a spool folder of its own, for tests that take InfluxDB down or need it to start
/// empty; both are removed after the class.
/// </summary>
public abstract class OwnInfluxTest : IAsyncDisposable
{
    protected TempFolder Folder { get; } = new();

    protected InfluxDbProcess Influx { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Influx.DisposeAsync();
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task StartInfluxAsync(string database, CancellationToken cancellationToken)
    {
        await Influx.StartAsync(cancellationToken);
        await Influx.CreateDatabaseAsync(database, cancellationToken);
    }
}

/// <summary>A writer pointed at a real influxd, with delays short enough for a test to watch an outage end.</summary>
internal sealed class LiveWriter : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public LiveWriter(InfluxDbProcess influx, string database, string spoolDirectory, Action<InfluxOptions>? configure = null)
    {
        Options = new InfluxOptions
        {
            Url = influx.Url,
            Database = database,
            SpoolDirectory = spoolDirectory,
            BatchSize = 50,
            FlushInterval = TimeSpan.FromMilliseconds(50),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(Options);
        Writer = new InfluxReadingWriter(Options, _http, TimeProvider.System, Logger);
        Writer.Start();
    }

    public InfluxOptions Options { get; }

    public InfluxReadingWriter Writer { get; }

    public TestLogger<InfluxReadingWriter> Logger { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        _http.Dispose();
    }
}
