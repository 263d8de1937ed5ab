using MQTTnet;
using MQTTnet.Protocol;

namespace RiskMonitor.Load;

/// <summary>
/// The broker baseline's one plain subscriber: it counts the telemetry the bare broker delivers, nothing more, so the
/// in-process and the deployed baseline measure the same thing.
/// </summary>
internal sealed class BaselineSubscriber : IDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private long _received;

    private BaselineSubscriber() =>
        _client.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref _received);
            return Task.CompletedTask;
        };

    public long Received => Interlocked.Read(ref _received);

    public static async Task<BaselineSubscriber> ConnectAsync(int port, int qos, CancellationToken ct)
    {
        var subscriber = new BaselineSubscriber();
        await subscriber._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("baseline-sub").Build(), ct);
        await subscriber._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("rm/v1/+/telemetry",
            qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce).Build(), ct);
        return subscriber;
    }

    public void Dispose() => _client.Dispose();
}
