using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using MQTTnet;
using MQTTnet.Protocol;
using RiskMonitor.TestSupport;
using Xunit.Sdk;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// One real server (<see cref="OwnServer"/>) shared by a test class: private InfluxDB and PostgreSQL, the server with
/// its embedded MQTT broker, and a registry of test assets. Subclasses bring other data.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    public const string Database = "riskmonitor";
    public const int PipelineCount = 20;

    private OwnServer _server = null!; // set in InitializeAsync, before any test runs

    public InfluxDbProcess Influx => _server.Influx;

    /// <summary>The system of record: alerts, ledgers and Orleans state live here, as in production.</summary>
    public PostgresProcess Postgres => _server.Postgres;

    public int MqttPort => _server.MqttPort;

    public Uri BaseUrl => _server.BaseUrl;

    public HttpClient Http => _server.Http;

    public string SpoolDirectory => _server.SpoolDirectory;

    public async ValueTask InitializeAsync()
    {
        await StartDependenciesAsync(TestContext.Current.CancellationToken);
        _server = await OwnServer.StartAsync(Settings(), TestContext.Current.CancellationToken, AssetsGeoJson(), RegionsGeoJson());
    }

    /// <summary>Services of a subclass that the server's settings point at (a mail server), started before the server.</summary>
    protected virtual Task StartDependenciesAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartDependenciesAsync"/> started, after the server.</summary>
    protected virtual ValueTask StopDependenciesAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await StopDependenciesAsync();

        GC.SuppressFinalize(this);
    }

    public Task<IMqttClient> ConnectMqttAsync(string clientId, CancellationToken cancellationToken) =>
        _server.ConnectMqttAsync(clientId, cancellationToken);

    public Task<HubConnection> ConnectHubAsync(CancellationToken cancellationToken) => _server.ConnectHubAsync(cancellationToken);

    public Task<HubConnection> ConnectHubAsync(string token, CancellationToken cancellationToken) => _server.ConnectHubAsync(token, cancellationToken);

    /// <summary>A client signed in as the given person (default roles: admin, city-wide).</summary>
    public HttpClient As(string name, string[]? roles = null, string[]? regions = null) => _server.As(name, roles, regions);

    public Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) => _server.GetJsonAsync(path, cancellationToken);

    protected virtual string AssetsGeoJson() => TestCity.GeoJson(PipelineCount);

    protected virtual string? RegionsGeoJson() => null;

    /// <summary>Server settings on top of <see cref="OwnServer"/>'s own; a subclass may add its data files.</summary>
    protected virtual Dictionary<string, string?> Settings() => new() { ["Influx:MaxRetryDelay"] = "00:00:01" };

    public static Task PublishAsync(IMqttClient client, string topic, string payload, CancellationToken cancellationToken) =>
        client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken);

    /// <summary>A v1 telemetry payload: <c>{"ts":..,"values":{..}}</c>.</summary>
    public static string Reading(long unixMilliseconds, params (string Metric, double Value)[] values) =>
        JsonSerializer.Serialize(new { ts = unixMilliseconds, values = values.ToDictionary(v => v.Metric, v => v.Value) });

    /// <summary>
    /// Polls until the condition holds and returns the value that met it; the servers are real, so results arrive when
    /// they arrive. If it never holds within <paramref name="timeout"/> the test fails, naming the condition and the last
    /// value seen: a wait that ran out is a failure, never a slow pass (it used to hand back the last value, which let a
    /// condition that could never hold cost its full timeout in silence).
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken,
        [CallerArgumentExpression(nameof(done))] string condition = "")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw FailException.ForFailure(
                    $"Waited {timeout.TotalSeconds:0.#} s for {condition}; it never held. Last seen: {Describe(value)}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>What a wait last saw, readable in a failure message (JSON as sent, collections by their items).</summary>
    internal static string Describe(object? value)
    {
        const int Longest = 2000;
        var text = value switch
        {
            null => "null",
            JsonElement json => json.ValueKind == JsonValueKind.Undefined ? "(nothing)" : json.GetRawText(),
            HttpResponseMessage response => $"HTTP {(int)response.StatusCode} {response.StatusCode}",
            string s => s,
            ITuple tuple => "(" + string.Join(", ", Enumerable.Range(0, tuple.Length).Select(i => Describe(tuple[i]))) + ")",
            System.Collections.IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}: {Describe(map[k])}")) + "}",
            System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
            _ => value.ToString() ?? "",
        };
        return text.Length <= Longest ? text : string.Concat(text.AsSpan(0, Longest), $"... ({text.Length} chars)");
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

    /// <summary>
    /// A region file over up to 1,000 test pipelines (and the elevator): city t-city, districts t-d1 and t-d2 split at
    /// lon 120.6005, grids t-g1..t-g4 of 0.3 degrees straight under them; the edges miss the pipelines (every 0.001
    /// degree from 120.101), so each lies in one grid.
    /// </summary>
    public static string Regions()
    {
        object Region(string id, string level, string? parentId, double west, double east) => new
        {
            type = "Feature",
            geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { west, 30.1 }, new[] { east, 30.1 }, new[] { east, 30.3 }, new[] { west, 30.3 }, new[] { west, 30.1 } } } },
            properties = new { id, name = "区域" + id, level, parentId, supervisor = new { name = "网格员" + id, phone = "0571-01234567" } },
        };

        var features = new List<object>
        {
            Region("t-city", "city", null, 120.0, 121.2),
            Region("t-d1", "district", "t-city", 120.0, 120.6005),
            Region("t-d2", "district", "t-city", 120.6005, 121.2),
            Region("t-g1", "grid", "t-d1", 120.0, 120.3005),
            Region("t-g2", "grid", "t-d1", 120.3005, 120.6005),
            Region("t-g3", "grid", "t-d2", 120.6005, 120.9005),
            Region("t-g4", "grid", "t-d2", 120.9005, 121.2),
        };
        return JsonSerializer.Serialize(new { type = "FeatureCollection", features });
    }
}
