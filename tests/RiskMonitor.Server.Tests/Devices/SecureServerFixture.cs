using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;

namespace RiskMonitor.Server.Tests.Devices;

/// <summary>
/// A real server with MQTT authentication required, the admin key set and a low per-client rate limit, shared by the
/// security tests. Counters are shared too, so tests compare before and after.
/// </summary>
public sealed class SecureServerFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const int RatePerSecond = 20;

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private OwnServer _server = null!; // set in InitializeAsync, before any test runs

    internal OwnServer Server => _server;

    public HttpClient Http => _server.Http;

    public int MqttPort => _server.MqttPort;

    public async ValueTask InitializeAsync()
    {
        _server = await OwnServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["Mqtt:Authentication"] = "Required",
                ["Mqtt:MaxMessagesPerSecondPerClient"] = RatePerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Mqtt:MessageBurstPerClient"] = RatePerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Devices:AdminKey"] = AdminKey,
                // Short enough for a test to wait for, long enough for any client that sends its CONNECT at once.
                ["Mqtt:ConnectTimeout"] = ConnectTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            },
            TestContext.Current.CancellationToken, TestCity.GeoJson(20));
        _server.Http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Provisions through the API and returns the secret it shows once.</summary>
    public async Task<string> ProvisionAsync(string deviceId, string[] assets, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync("api/devices", new { deviceId, assets, description = "test" }, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("secret").GetString()!;
    }

    public async Task<IMqttClient> ConnectAsync(string clientId, string? user, string? password, CancellationToken ct, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort).WithClientId(clientId).WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(30));
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        var result = await client.ConnectAsync(options.Build(), ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"connect refused: {result.ResultCode}");
        }

        return client;
    }

    /// <summary>Connects expecting a refusal (MQTTnet 5 returns it, it does not throw) and returns its code.</summary>
    public async Task<MqttClientConnectResultCode> RefusedAsync(
        string clientId, string? user, string? password, CancellationToken ct, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort).WithClientId(clientId).WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(30));
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        try
        {
            var result = await client.ConnectAsync(options.Build(), ct);
            return result.ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException)
        {
            // MQTT 3.1.1 refusals can surface as a failed handshake when the server closes right after CONNACK.
            return MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    public async Task<long> RejectedAsync(string reason, CancellationToken ct)
    {
        var stats = await _server.GetJsonAsync("api/ingest/stats", ct);
        return stats.GetProperty("ingestion").GetProperty("rejectedByReason").GetProperty(reason).GetInt64();
    }

    public async Task<long> ReadingsAcceptedAsync(CancellationToken ct)
    {
        var stats = await _server.GetJsonAsync("api/ingest/stats", ct);
        return stats.GetProperty("ingestion").GetProperty("readingsAccepted").GetInt64();
    }

    public Task<JsonElement> GetJsonAsync(string path, CancellationToken ct) => _server.GetJsonAsync(path, ct);
}
