using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using RiskMonitor.Ingestion;
using RiskMonitor.Ingestion.Dispatch;
using RiskMonitor.Server;
using RiskMonitor.Storage.Influx;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Load;

/// <summary>
/// The server as production runs it (RiskMonitorApp.Build, server GC, default lanes and batch sizes), configured like
/// the end-to-end ServerFixture: free loopback ports, a generated registry, a private influxd unless one is given.
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    public const string Measurement = "telemetry";

    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-load-").FullName;
    private readonly HttpClient _influxHttp = new() { Timeout = TimeSpan.FromMinutes(2) };
    private InfluxDbProcess? _influx;
    private WebApplication? _app;

    public int HttpPort { get; } = FreePort.Next();

    /// <summary>A per-run admin key (<c>Devices:AdminKey</c>): the alert observer's credential on the hub.</summary>
    public string AdminKey { get; } = "load-" + Guid.NewGuid().ToString("N");

    public int MqttPort { get; } = FreePort.Next();

    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    public Uri InfluxUrl { get; private set; } = null!;

    /// <summary>
    /// A fresh database per run, so that counting points needs no time filter, also on a shared influxd; or the one
    /// given (<c>--influx-database</c>, a backtest's loaded history), which is then kept.
    /// </summary>
    public string Database { get; private set; } = "load_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..6];

    private bool _databaseGiven;

    /// <summary>The private influxd's process id (null with <c>--influx-url</c>).</summary>
    public int? InfluxPid => _influx?.InfluxdPid;

    public TimeSpan RegistryWriteTime { get; private set; }

    /// <summary>From RiskMonitorApp.Build to the first 200 on /health/ready (registry load, silo, broker, InfluxDB ping).</summary>
    public TimeSpan ColdStart { get; private set; }

    public IServiceProvider Services => _app!.Services;

    public async Task StartAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        if (options.InfluxUrl is { } url)
        {
            InfluxUrl = url;
        }
        else
        {
            _influx = new InfluxDbProcess();
            await _influx.StartAsync(cancellationToken);
            InfluxUrl = _influx.Url;
        }

        if (options.InfluxDatabase is { Length: > 0 } given)
        {
            (Database, _databaseGiven) = (given, true);
        }

        (await InfluxQueryAsync($"CREATE DATABASE \"{Database}\"", null, cancellationToken)).Dispose();

        var registryPath = Path.Combine(_root, "assets.geojson");
        var written = Stopwatch.StartNew();
        LoadRegistry.Write(registryPath, options.Assets, options.ReportingIntervalSeconds);
        RegistryWriteTime = written.Elapsed;

        var started = Stopwatch.StartNew();
        _app = RiskMonitorApp.Build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                // Logging at Warning: per-alert Information lines would measure the console, not the pipeline.
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:RiskMonitor"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
                // stdout carries the one JSON line of the report; every log line goes to stderr.
                ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
                ["Urls"] = BaseUrl.ToString().TrimEnd('/'),
                ["Mqtt:Port"] = MqttPort.ToString(CultureInfo.InvariantCulture),
                // The harness measures the pipeline: anonymous clients, no per-client rate limit (docs/decisions/0023).
                ["Mqtt:Authentication"] = "None",
                ["Devices:AdminKey"] = AdminKey,
                ["Mqtt:MaxMessagesPerSecondPerClient"] = "0",
                ["Influx:Url"] = InfluxUrl.ToString(),
                ["Influx:Database"] = Database,
                ["Influx:SpoolDirectory"] = Path.Combine(_root, "spool"),
                ["Registry:AssetsPath"] = registryPath,
                ["Registry:RulesPath"] = Path.Combine(AppContext.BaseDirectory, "config", "rules.json"),
                ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            });
            builder.Configuration.AddInMemoryCollection(options.Settings);
        });
        await _app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = BaseUrl };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(20, cancellationToken);
        }

        ColdStart = started.Elapsed;
    }

    public IngestionStatsSnapshot Ingestion => Services.GetRequiredService<IngestionStats>().Snapshot();

    public long DispatchQueued => Services.GetRequiredService<GrainDispatcher>().Queued;

    public InfluxWriterStats Writer => Services.GetRequiredService<IReadingWriter>().GetStats();

    public async Task<int> ActivationCountAsync() =>
        await Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetTotalActivationCount();

    /// <summary>Points stored, counted by InfluxDB itself (every reading carries ch4_lel).</summary>
    public async Task<long> CountStoredPointsAsync(CancellationToken cancellationToken)
    {
        using var answer = await InfluxQueryAsync($"SELECT count(\"ch4_lel\") FROM \"{Measurement}\"", Database, cancellationToken);
        var result = answer.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
        else if (InfluxUrl is not null && !_databaseGiven)
        {
            try
            {
                (await InfluxQueryAsync($"DROP DATABASE \"{Database}\"", null, CancellationToken.None)).Dispose();
            }
            catch (HttpRequestException)
            {
                // a shared influxd that went away: nothing to clean
            }
        }

        _influxHttp.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a spool file still open; the OS cleans its temp folder
        }
    }

    private async Task<JsonDocument> InfluxQueryAsync(string influxql, string? database, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["q"] = influxql };
        if (database is not null)
        {
            form["db"] = database;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _influxHttp.PostAsync(new Uri(InfluxUrl, "query"), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || text.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"InfluxQL '{influxql}' failed: HTTP {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }
}
