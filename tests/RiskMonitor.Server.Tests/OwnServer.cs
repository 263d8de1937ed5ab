using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using MQTTnet;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// The real thing on loopback: a private InfluxDB and PostgreSQL, the server with its embedded MQTT broker on free
/// ports, and a registry (and optionally a region file) of test assets. A test may stop and start it again on the
/// same ports and database (a restart) and add settings of its own. Tests talk to it only from the outside.
/// </summary>
internal sealed class OwnServer : IAsyncDisposable
{
    /// <summary>The bootstrap admin key (<c>Integration:AdminKey</c>) every test server has: it issues integrators' keys.</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789";

    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-own-").FullName;
    private readonly int _httpPort = FreePort.Next();
    private readonly int _mqttPort = FreePort.Next();
    private readonly int _siloPort = FreePort.Next();
    private readonly int _gatewayPort = FreePort.Next();
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly bool _hasRegions;
    private readonly bool _ownsServices;
    private WebApplication? _app;
    private IReadOnlyList<int> _alsoListenOn = [];
    private Action<WebApplicationBuilder>? _configure;

    private OwnServer(IReadOnlyDictionary<string, string?> settings, bool hasRegions, InfluxDbProcess? sharedInflux = null, PostgresProcess? sharedPostgres = null)
    {
        _settings = settings;
        _hasRegions = hasRegions;
        _ownsServices = sharedInflux is null;
        Influx = sharedInflux ?? new();
        Postgres = sharedPostgres ?? new();
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestIdentity.DefaultToken());
    }

    public InfluxDbProcess Influx { get; }

    public PostgresProcess Postgres { get; }

    public HttpClient Http { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{_httpPort.ToString(CultureInfo.InvariantCulture)}/");

    public int MqttPort => _mqttPort;

    public string SpoolDirectory => Path.Combine(_root, "spool");

    /// <param name="assetsGeoJson">The registry; by default four test pipelines and an elevator (<see cref="TestCity"/>).</param>
    /// <param name="regionsGeoJson">A region file; none by default (roll-ups then follow the registry's regionIds).</param>
    /// <param name="alsoListenOn">More loopback HTTP ports the server listens on besides its own (a metrics port).</param>
    /// <param name="configure">Services of the test's own, registered before the server's (a fake clock under a key the server reads).</param>
    public static async Task<OwnServer> StartAsync(
        IReadOnlyDictionary<string, string?> settings, CancellationToken ct, string? assetsGeoJson = null, string? regionsGeoJson = null,
        IReadOnlyList<int>? alsoListenOn = null, Action<WebApplicationBuilder>? configure = null)
    {
        var server = new OwnServer(settings, regionsGeoJson is not null) { _alsoListenOn = alsoListenOn ?? [], _configure = configure };
        await server.Influx.StartAsync(ct);
        await server.Influx.CreateDatabaseAsync(ServerFixture.Database, ct);
        await server.Postgres.StartAsync(ct);
        await server.Postgres.CreateDatabaseAsync(ServerFixture.Database, ct);
        await File.WriteAllTextAsync(Path.Combine(server._root, "assets.geojson"), assetsGeoJson ?? TestCity.GeoJson(4), ct);
        if (regionsGeoJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(server._root, "regions.geojson"), regionsGeoJson, ct);
        }

        await server.StartAppAsync(ct);
        return server;
    }

    /// <summary>
    /// One silo of a cluster: it uses InfluxDB and PostgreSQL (database <see cref="ServerFixture.Database"/>, created by
    /// the caller) that other silos share, and does not stop them on dispose. Ports, spool and registry file are its own.
    /// </summary>
    public static async Task<OwnServer> StartSiloAsync(
        InfluxDbProcess influx, PostgresProcess postgres, IReadOnlyDictionary<string, string?> settings, string assetsGeoJson, CancellationToken ct,
        string? regionsGeoJson = null)
    {
        var server = new OwnServer(settings, regionsGeoJson is not null, influx, postgres);
        await File.WriteAllTextAsync(Path.Combine(server._root, "assets.geojson"), assetsGeoJson, ct);
        if (regionsGeoJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(server._root, "regions.geojson"), regionsGeoJson, ct);
        }

        await server.StartAppAsync(ct);
        return server;
    }

    /// <summary>A new app instance on the same ports, database and spool: what a restarted process sees.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await StopAppAsync();
        await StartAppAsync(ct);
    }

    public async Task StopAppAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _app = null;
    }

    public async Task StartAppAsync(CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:RiskMonitor"] = "Warning",
            ["Urls"] = string.Join(';', [BaseUrl.ToString().TrimEnd('/'), .. _alsoListenOn.Select(p => $"http://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}")]),
            ["Mqtt:Port"] = _mqttPort.ToString(CultureInfo.InvariantCulture),
            // The data-path tests publish anonymously; the security tests set Required (docs/decisions/0023).
            ["Mqtt:Authentication"] = "None",
            ["Influx:Url"] = Influx.Url.ToString(),
            ["Influx:Database"] = ServerFixture.Database,
            ["Influx:SpoolDirectory"] = SpoolDirectory,
            ["Influx:FlushInterval"] = "00:00:00.100",
            ["Registry:AssetsPath"] = Path.Combine(_root, "assets.geojson"),
            // No demo hazmat vehicles in a test's registry unless the test brings its own files.
            ["Registry:VehiclesPath"] = Path.Combine(_root, "vehicles.geojson"),
            ["Registry:RestrictedZonesPath"] = Path.Combine(_root, "restricted-zones.geojson"),
            ["Responsibility:SeedPath"] = Path.Combine(_root, "responsibility.json"),
            ["ConnectionStrings:RiskMonitor"] = Postgres.ConnectionString(ServerFixture.Database),
            ["Orleans:SiloPort"] = _siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
            // The incident linker adds ledger lines to nearby alerts on its own schedule; the tests that exercise it
            // switch it on, the others keep their ledgers exact.
            ["Incidents:Link"] = "false",
            ["Integration:AdminKey"] = AdminKey,
            ["Auth:SigningKey"] = TestIdentity.SigningKey,
        };
        if (_hasRegions)
        {
            settings["Registry:RegionsPath"] = Path.Combine(_root, "regions.geojson");
        }

        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        _app = RiskMonitorApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            _configure?.Invoke(builder);
        });
        await _app.StartAsync(ct);
    }

    public async Task<IMqttClient> ConnectMqttAsync(string clientId, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mqttPort).WithClientId(clientId).Build(), ct);
        return client;
    }

    /// <summary>A client signed in as the given person (the ledgers record them as the actor).</summary>
    public HttpClient As(string name, string[]? roles = null, string[]? regions = null) =>
        TestIdentity.Client(BaseUrl, name, roles ?? ["admin"], regions);

    public Task<HubConnection> ConnectHubAsync(CancellationToken ct) => ConnectHubAsync(TestIdentity.DefaultToken(), ct);

    public async Task<HubConnection> ConnectHubAsync(string token, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(BaseUrl, "hubs/risk"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
        await connection.StartAsync(ct);
        return connection;
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken ct) => await Http.GetFromJsonAsync<JsonElement>(path, ct);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAppAsync();
        if (_ownsServices)
        {
            await Postgres.DisposeAsync();
            await Influx.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a spool file still open: the OS cleans its temp folder
        }
    }
}
