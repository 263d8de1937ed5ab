using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using RiskMonitor.Simulator.Assets;
using RiskMonitor.Simulator.Cli;
using RiskMonitor.Simulator.Hosting;
using RiskMonitor.Simulator.Scenarios;
using RiskMonitor.Simulator.Telemetry;
using RiskMonitor.Simulator.Vehicles;

namespace RiskMonitor.Simulator.Mqtt;

/// <summary>
/// A few MQTT connections, each standing in for a field gateway that forwards many devices' traffic.
/// </summary>
/// <remarks>
/// MQTT gives one last will per connection, so a gateway cannot leave a will per device on
/// <c>rm/v1/{id}/status</c>. Each gateway's will is <c>offline</c> on its own topic <c>rm-sim/gateways/{clientId}/status</c>
/// instead, outside the rm/v1 contract. Device statuses are covered by publishing retained <c>offline</c> for every
/// asset on a clean stop, and after a crash by the server's no-data timeout (DESIGN.md §4).
/// </remarks>
internal sealed class GatewayPool : IAsyncDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private readonly Gateway[] _gateways;
    private readonly Dictionary<string, int> _gatewayOf;
    private readonly SimulatorOptions _options;
    private readonly ScenarioEngine _scenarios;
    private readonly SimulatorStats _stats;
    private readonly ILogger<GatewayPool> _logger;

    public GatewayPool(
        SimulatorOptions options, SimulatedAssets simulated, SimulatedVehicles vehicles, ScenarioEngine scenarios, SimulatorStats stats, ILogger<GatewayPool> logger)
    {
        _options = options;
        _scenarios = scenarios;
        _stats = stats;
        _logger = logger;
        var assets = simulated.All;
        var count = Math.Min(options.Clients, Math.Max(1, assets.Count));
        var factory = new MqttClientFactory();
        _gateways = new Gateway[count];
        for (var k = 0; k < count; k++)
        {
            var clientId = $"{options.EffectiveClientIdPrefix}-gw{k + 1:00}";
            var mqttOptions = factory.CreateClientOptionsBuilder()
                .WithTcpServer(options.Host, options.Port)
                .WithClientId(clientId)
                // 3.1.1 like most field gateways; it also leaves payload size checks to the broker, which is what
                // the oversized payload of the malformed scenario is meant to exercise.
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithCleanSession()
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
                .WithTimeout(TimeSpan.FromSeconds(5))
                .WithWillTopic($"rm-sim/gateways/{clientId}/status")
                .WithWillPayload(PayloadBuilder.Offline)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            _gateways[k] = new Gateway(clientId, factory.CreateMqttClient(), mqttOptions);
        }

        // Vehicles publish through the gateways too, so they are in a gateway's list: its topic ACL covers only those.
        var ids = assets.Select(a => a.Id).Concat(vehicles.All.Select(v => v.Id)).ToList();
        _gatewayOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < ids.Count; k++)
        {
            _gatewayOf[ids[k]] = k % count;
            _gateways[k % count].Assets.Add(ids[k]);
        }
    }

    public int Count => _gateways.Length;

    /// <summary>
    /// With <see cref="SimulatorOptions.ProvisionUrl"/>: provisions each gateway as a device for its assets (client id =
    /// device id, as the broker demands) and logs in with the secret. The gateway will is dropped: its topic is outside
    /// rm/v1 and so outside any device's topic ACL. Retries until the server answers.
    /// </summary>
    public async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        if (_options.ProvisionUrl is not { } url)
        {
            return;
        }

        if (string.IsNullOrEmpty(_options.AdminKey))
        {
            throw new InvalidOperationException("--provision needs the server's admin key: --admin-key KEY or RM_ADMIN_KEY.");
        }

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var provisioner = new DeviceProvisioner(http, _options.AdminKey);
        var factory = new MqttClientFactory();
        foreach (var gateway in _gateways)
        {
            while (true)
            {
                try
                {
                    var secret = await provisioner.SecretForAsync(gateway.ClientId, gateway.Assets, cancellationToken);
                    gateway.Options = factory.CreateClientOptionsBuilder()
                        .WithTcpServer(_options.Host, _options.Port)
                        .WithClientId(gateway.ClientId)
                        .WithCredentials(gateway.ClientId, secret)
                        .WithProtocolVersion(MqttProtocolVersion.V311)
                        .WithCleanSession()
                        .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
                        .WithTimeout(TimeSpan.FromSeconds(5))
                        .Build();
                    SimulatorLog.GatewayProvisioned(_logger, gateway.ClientId, gateway.Assets.Count);
                    break;
                }
                catch (HttpRequestException ex)
                {
                    SimulatorLog.ProvisioningRetry(_logger, gateway.ClientId, url.ToString(), ex.Message);
                    await Task.Delay(RetryInterval, cancellationToken);
                }
            }
        }
    }

    public int ConnectedCount => _gateways.Count(g => g.Client.IsConnected);

    public int GatewayFor(string assetId) => _gatewayOf.GetValueOrDefault(assetId);

    /// <summary>Connects every gateway, retrying until the broker answers (it may start after the simulator).</summary>
    public Task ConnectAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_gateways.Select(async gateway =>
        {
            while (!await TryConnectAsync(gateway, cancellationToken))
            {
                await Task.Delay(RetryInterval, cancellationToken);
            }
        }));

    /// <summary>Reconnects lost gateways until cancelled. MQTTnet 5 has no managed client, so this is that loop.</summary>
    public async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(RetryInterval, cancellationToken);
                foreach (var gateway in _gateways)
                {
                    if (!gateway.Client.IsConnected)
                    {
                        if (!gateway.Down)
                        {
                            gateway.Down = true;
                            SimulatorLog.GatewayLost(_logger, gateway.ClientId);
                        }

                        await TryConnectAsync(gateway, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>Sends one gateway's messages in order; a disconnected gateway drops them (counted) rather than queueing without bound.</summary>
    public async Task PublishAsync(int gatewayIndex, IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        var client = _gateways[gatewayIndex].Client;
        foreach (var message in messages)
        {
            if (!client.IsConnected)
            {
                _stats.Drop();
                continue;
            }

            try
            {
                await client.PublishAsync(ToMqtt(message), cancellationToken);
                _stats.Sent(message.Readings);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _stats.Drop();
                SimulatorLog.PublishFailed(_logger, message.Topic, ex);
            }
        }
    }

    /// <summary>On a clean stop: retained <c>offline</c> for every asset (what per-device wills would have said), then a normal disconnect, which does not fire the gateway's will.</summary>
    public async Task ShutdownAsync(bool publishOffline, CancellationToken cancellationToken)
    {
        var published = 0;
        await Task.WhenAll(_gateways.Select(async gateway =>
        {
            if (!gateway.Client.IsConnected)
            {
                return;
            }

            try
            {
                if (publishOffline)
                {
                    await PublishStatusesAsync(gateway, _ => PayloadBuilder.Offline, cancellationToken);
                    Interlocked.Add(ref published, gateway.Assets.Count);
                }

                await gateway.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SimulatorLog.PublishFailed(_logger, "(shutdown)", ex);
            }
        }));
        SimulatorLog.Stopped(_logger, published);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            gateway.Client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<bool> TryConnectAsync(Gateway gateway, CancellationToken cancellationToken)
    {
        try
        {
            if (!gateway.Client.IsConnected)
            {
                var result = await gateway.Client.ConnectAsync(gateway.Options, cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    // MQTTnet 5 reports a refused login in the result rather than throwing.
                    throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode}");
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!gateway.Unreachable)
            {
                gateway.Unreachable = true;
                SimulatorLog.GatewayUnreachable(_logger, gateway.ClientId, _options.Host, _options.Port, ex.Message, RetryInterval.TotalSeconds);
            }

            return false;
        }

        try
        {
            // A (re)connect republishes every device's retained status: the broker may have restarted and lost them.
            await PublishStatusesAsync(gateway, id => _scenarios.IsReportedOffline(id) ? PayloadBuilder.Offline : PayloadBuilder.Online, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SimulatorLog.PublishFailed(_logger, "(statuses after connect)", ex);
            return false; // lost again already; the supervisor tries once more
        }

        gateway.Unreachable = false;
        gateway.Down = false;
        SimulatorLog.GatewayConnected(_logger, gateway.ClientId, gateway.Assets.Count);
        return true;
    }

    private static async Task PublishStatusesAsync(Gateway gateway, Func<string, byte[]> payloadFor, CancellationToken cancellationToken)
    {
        // QoS 1 and retained; sent in slices so hundreds of acknowledgements overlap instead of queueing one by one.
        foreach (var slice in gateway.Assets.Chunk(100))
        {
            await Task.WhenAll(slice.Select(id => gateway.Client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.Status(id))
                    .WithPayload(payloadFor(id))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainFlag()
                    .Build(),
                cancellationToken)));
        }
    }

    private MqttApplicationMessage ToMqtt(OutboundMessage message) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(message.Reliable || _options.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
            .WithRetainFlag(message.Retain)
            .Build();

    private sealed class Gateway(string clientId, IMqttClient client, MqttClientOptions options)
    {
        public string ClientId { get; } = clientId;

        public IMqttClient Client { get; } = client;

        public MqttClientOptions Options { get; set; } = options;

        public List<string> Assets { get; } = [];

        /// <summary>Set while failing to connect, so the warning is logged once per outage, not every retry.</summary>
        public bool Unreachable { get; set; }

        public bool Down { get; set; }
    }
}
