using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Ingestion.Broker;

/// <summary>
/// External broker mode (DESIGN.md §1): this silo is an MQTT 5 client of a clustered broker, subscribed to
/// <c>$share/{group}/rm/v1/+/+</c> with QoS 1, so the broker gives each message to one silo of the group. The session
/// is persistent (clean start off, a session expiry, a stable client id), so what is published while the silo
/// restarts waits for it at the broker. A message is acknowledged only once its grain has it (or it was refused and
/// dead-lettered): a silo that dies before that leaves it unacknowledged, and the broker delivers it again.
/// A silo that stops (a rolling restart, a scale-down) hands its share over first: see <see cref="StopAsync"/>.
/// </summary>
public sealed class SharedSubscriptionClient(
    IngestionPipeline pipeline,
    IOptions<MqttIngestionOptions> options,
    TimeProvider time,
    ILogger<SharedSubscriptionClient> logger) : BackgroundService, IMqttIngress
{
    private readonly MqttClientFactory _factory = new();
    private IMqttClient? _client;
    private int _unacknowledged;
    private long _lastReceived;
    private volatile bool _handingOff;

    public string ClientId { get; } = ResolveClientId(options.Value);

    public string TopicFilter { get; } = Topics.SharedFilter(options.Value.SharedGroup);

    public bool IsReady => _client?.IsConnected == true;

    public string Describe()
    {
        var broker = options.Value.Broker;
        return IsReady
            ? $"connected to {broker.Host}:{broker.Port} as {ClientId}, subscribed to {TopicFilter}"
            : $"not connected to {broker.Host}:{broker.Port}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = _factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            // Acknowledged by the dispatcher once the grain has the message, not when this handler returns.
            e.AutoAcknowledge = false;
            Interlocked.Increment(ref _unacknowledged);
            Interlocked.Exchange(ref _lastReceived, time.GetTimestamp());
            return pipeline.AcceptAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, e.ClientId,
                () => _ = AcknowledgeAsync(e), stoppingToken).AsTask();
        };
        _client = client;

        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!client.IsConnected)
            {
                try
                {
                    await ConnectAsync(client, stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromSeconds(1);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    IngestionLog.BrokerConnectFailed(logger, ex, options.Value.Broker.Host, options.Value.Broker.Port, delay);
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.Broker.MaxReconnectDelay.Ticks));
                    continue;
                }
            }

            // A cheap watch: the client raises no reconnect itself (MQTTnet 5 has no managed client), so poll.
            await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands this silo's share of the stream to the others before going: unsubscribes from the shared filter, so the
    /// broker routes every new message to the silos that stay (Mosquitto 2.0 would otherwise keep queueing this
    /// member's round-robin turn in its session while it is away); processes and acknowledges what it was already given;
    /// then disconnects, keeping the session (on return it subscribes again). Without this, a reading queued here during
    /// a restart would be processed after a newer reading of the same asset that another silo took, and the rules ignore
    /// a late reading, so a red one would raise no alert (issue 18, rolling restart; docs/decisions/0031). Bounded by the
    /// host's shutdown timeout; what is left unacknowledged then is delivered again to the session on return.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _handingOff = true;
        if (_client is { IsConnected: true } handingOff)
        {
            try
            {
                await handingOff.UnsubscribeAsync(_factory.CreateUnsubscribeOptionsBuilder().WithTopicFilter(TopicFilter).Build(), cancellationToken)
                    .ConfigureAwait(false);
                Interlocked.Exchange(ref _lastReceived, time.GetTimestamp());
                // What the broker had queued for this session still arrives after the UNSUBSCRIBE: quiet and nothing
                // unacknowledged means it is all processed (the same test as a takeover's, OrphanedSessionDrain).
                while (handingOff.IsConnected && (Volatile.Read(ref _unacknowledged) > 0
                    || time.GetElapsedTime(Interlocked.Read(ref _lastReceived)) < options.Value.Broker.HandOffQuietPeriod))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
                }

                IngestionLog.SharedSubscriptionHandedOff(logger, ClientId);
            }
            catch (Exception)
            {
                // Out of time or the connection broke: stop anyway, the session keeps what is not acknowledged.
                IngestionLog.SharedSubscriptionHandOffIncomplete(logger, ClientId, Volatile.Read(ref _unacknowledged));
            }
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client is { IsConnected: true } client)
        {
            // A normal disconnect keeps the session (its expiry was set at connect), so what is unacknowledged waits for our return.
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            IngestionLog.BrokerStopped(logger);
        }

        _client?.Dispose();
        _client = null;
    }

    private async Task ConnectAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var builder = BrokerClientOptions.PersistentSession(settings.Broker, ClientId);
        var result = await client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        if (_handingOff)
        {
            return; // reconnected while stopping: take what the session holds, but no new share
        }

        // Subscribing again on a resumed session is harmless and covers a broker that lost it (or a hand-off left it without).
        await client.SubscribeAsync(
            _factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(TopicFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(),
            cancellationToken).ConfigureAwait(false);
        IngestionLog.BrokerConnected(logger, settings.Broker.Host, settings.Broker.Port, ClientId, TopicFilter, result.IsSessionPresent);
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            await e.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The connection dropped first: the broker redelivers on the next session, the grain sees it twice
            // (InfluxDB overwrites the same point; an alert is raised once per asset and rule).
            IngestionLog.AcknowledgeFailed(logger, ex, e.ApplicationMessage.Topic);
        }
        finally
        {
            // Handled either way: acknowledged, or to be delivered again (and counted again) on the next session.
            Interlocked.Decrement(ref _unacknowledged);
        }
    }

    /// <summary>This silo's client id at the broker; the silo's Orleans name too, so survivors can find its session.</summary>
    public static string ResolveClientId(MqttIngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ClientId ?? SanitisedMachineName();
    }

    private static string SanitisedMachineName()
    {
        var name = new string([.. Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')]);
        return name.Length is > 0 and <= 64 ? name : "riskmonitor-" + Environment.ProcessId;
    }
}
