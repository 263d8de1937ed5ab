using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using MQTTnet;
using MQTTnet.Protocol;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// The real thing on loopback: a private InfluxDB (Debian's influxd), the server with its embedded MQTT broker on
/// free ports, and a registry of test assets. Tests talk to it only from the outside: MQTT in, REST/SignalR/InfluxDB out.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string Database = "riskmonitor";
    public const int PipelineCount = 20;

    private readonly string _root = Directory.CreateTempSubdirectory("riskmonitor-server-").FullName;
    private WebApplication? _app;

    public InfluxDbProcess Influx { get; } = new();

    /// <summary>The system of record: alerts, ledgers and Orleans state live here, as in production.</summary>
    public PostgresProcess Postgres { get; } = new();

    public int HttpPort { get; } = FreePort.Next();

    public int MqttPort { get; } = FreePort.Next();

    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    public HttpClient Http { get; private set; } = null!;

    public string SpoolDirectory => Path.Combine(_root, "spool");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Influx.StartAsync(ct);
        await Influx.CreateDatabaseAsync(Database, ct);
        await Postgres.StartAsync(ct);
        await Postgres.CreateDatabaseAsync(Database, ct);
        var registryPath = Path.Combine(_root, "assets.geojson");
        await File.WriteAllTextAsync(registryPath, TestCity.GeoJson(PipelineCount), ct);

        _app = RiskMonitorApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:RiskMonitor"] = "Warning",
                ["Urls"] = BaseUrl.ToString().TrimEnd('/'),
                ["Mqtt:Port"] = MqttPort.ToString(CultureInfo.InvariantCulture),
                ["Influx:Url"] = Influx.Url.ToString(),
                ["Influx:Database"] = Database,
                ["Influx:SpoolDirectory"] = SpoolDirectory,
                ["Influx:FlushInterval"] = "00:00:00.100",
                ["Influx:MaxRetryDelay"] = "00:00:01",
                ["Registry:AssetsPath"] = registryPath,
                ["ConnectionStrings:RiskMonitor"] = Postgres.ConnectionString(Database),
                ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            });
        });
        await _app.StartAsync(ct);
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        await Influx.DisposeAsync();
        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a spool file still held open: the temp folder is cleaned by the OS later
        }
    }

    public async Task<IMqttClient> ConnectMqttAsync(string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort).WithClientId(clientId).Build();
        await client.ConnectAsync(options, cancellationToken);
        return client;
    }

    public async Task<HubConnection> ConnectHubAsync(CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(BaseUrl, "hubs/risk")).Build();
        await connection.StartAsync(cancellationToken);
        return connection;
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        await Http.GetFromJsonAsync<JsonElement>(path, cancellationToken);

    public static Task PublishAsync(IMqttClient client, string topic, string payload, CancellationToken cancellationToken) =>
        client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken);

    /// <summary>A v1 telemetry payload: <c>{"ts":..,"values":{..}}</c>.</summary>
    public static string Reading(long unixMilliseconds, params (string Metric, double Value)[] values) =>
        JsonSerializer.Serialize(new { ts = unixMilliseconds, values = values.ToDictionary(v => v.Metric, v => v.Value) });

    /// <summary>Polls until the condition holds; the servers are real, so results arrive when they arrive.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}

/// <summary>A tiny registry: pipelines gp-t-001.. and one elevator, in two regions.</summary>
internal static class TestCity
{
    public static string GeoJson(int pipelines)
    {
        var features = new List<object>();
        for (var i = 1; i <= pipelines; i++)
        {
            features.Add(new
            {
                type = "Feature",
                geometry = new { type = "LineString", coordinates = new[] { new[] { 120.10 + (i * 0.001), 30.20 }, new[] { 120.10 + (i * 0.001), 30.21 } } },
                properties = new
                {
                    id = $"gp-t-{i:000}",
                    kind = "gas_pipeline",
                    name = $"测试管段{i}",
                    industry = "gas",
                    inherentLevel = "blue",
                    regionId = i % 2 == 0 ? "d-east" : "d-west",
                    reportingIntervalSeconds = 60,
                },
            });
        }

        features.Add(new
        {
            type = "Feature",
            geometry = new { type = "Point", coordinates = new[] { 120.15, 30.25 } },
            properties = new { id = "el-t-001", kind = "elevator", name = "测试电梯", industry = "special_equipment", inherentLevel = "yellow", regionId = "d-west" },
        });
        return JsonSerializer.Serialize(new { type = "FeatureCollection", features });
    }
}
