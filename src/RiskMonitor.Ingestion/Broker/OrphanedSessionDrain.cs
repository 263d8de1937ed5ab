using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Ingestion.Broker;

/// <summary>What taking over a dead silo's broker session did.</summary>
/// <param name="Received">Messages the session delivered (its queue and its unacknowledged in-flight messages).</param>
/// <param name="SessionPresent">Whether the broker still held the session.</param>
/// <param name="Removed">True when the session was emptied and ended; false when the connection was
/// taken from us first (the silo came back, or another survivor took over), so the session stays for its owner.</param>
public readonly record struct SessionDrainResult(int Received, bool SessionPresent, bool Removed);

/// <summary>
/// External broker mode, failover (docs/decisions/0029-failover-of-broker-sessions.md): when a silo dies for good, the
/// broker keeps its persistent session and, in Mosquitto 2.0, keeps routing its share of the shared subscription into
/// it. A survivor connects once with that silo's client id and clean start off, so the broker hands it the queue and
/// the messages the dead silo never acknowledged; it unsubscribes at once so the group stops routing new messages
/// there (what is queued is still delivered), feeds everything through this node's pipeline, acknowledges each one
/// when its grain has it, and then ends the session (a clean start with session expiry 0), so a pod that returns
/// under that name starts afresh and the group stops counting the dead member.
/// </summary>
public sealed class OrphanedSessionDrain(
    IngestionPipeline pipeline,
    IngestionStats stats,
    IOptions<MqttIngestionOptions> options,
    TimeProvider time,
    ILogger<OrphanedSessionDrain> logger)
{
    private readonly MqttClientFactory _factory = new();

    /// <summary>The same topic filter every silo subscribes with; unsubscribing it stops new messages for the dead session.</summary>
    public string TopicFilter { get; } = Topics.SharedFilter(options.Value.SharedGroup);

    public async Task<SessionDrainResult> DrainAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        var settings = options.Value;
        using var client = _factory.CreateMqttClient();
        var received = 0;
        var unacknowledged = 0;
        var lastActivity = time.GetTimestamp();
        client.ApplicationMessageReceivedAsync += e =>
        {
            // As in SharedSubscriptionClient: acknowledged once the grain has it, so a survivor that dies mid-drain
            // leaves the rest in the session for the next survivor.
            e.AutoAcknowledge = false;
            Interlocked.Increment(ref received);
            Interlocked.Increment(ref unacknowledged);
            Interlocked.Exchange(ref lastActivity, time.GetTimestamp());
            return pipeline.AcceptAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, clientId, () => _ = AcknowledgeAsync(e), cancellationToken).AsTask();
        };

        async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e)
        {
            try
            {
                await e.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                IngestionLog.AcknowledgeFailed(logger, ex, e.ApplicationMessage.Topic);
            }
            finally
            {
                Interlocked.Decrement(ref unacknowledged);
                Interlocked.Exchange(ref lastActivity, time.GetTimestamp());
            }
        }

        // The session keeps its expiry while we drain: if this node dies too, the next survivor finds it intact.
        var builder = BrokerClientOptions.PersistentSession(settings.Broker, clientId);
        var connected = await client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        IngestionLog.SessionTakeoverStarted(logger, clientId, connected.IsSessionPresent);
        if (connected.IsSessionPresent)
        {
            // Mosquitto removes the subscription only: messages already queued in the session are still delivered.
            await client.UnsubscribeAsync(_factory.CreateUnsubscribeOptionsBuilder().WithTopicFilter(TopicFilter).Build(), cancellationToken)
                .ConfigureAwait(false);
        }

        // Done when every message delivered so far is acknowledged and nothing new came for the quiet period: the
        // broker sends queued messages as fast as the in-flight window frees, so a quiet window means an empty queue.
        var started = time.GetTimestamp();
        while (client.IsConnected)
        {
            if (Volatile.Read(ref unacknowledged) == 0 && time.GetElapsedTime(Interlocked.Read(ref lastActivity)) >= settings.Broker.TakeoverQuietPeriod)
            {
                break;
            }

            if (time.GetElapsedTime(started) > settings.Broker.TakeoverMaxDrainTime)
            {
                // Something holds messages unacknowledged (a store down for long): leave the session as it is, with
                // its remaining messages, rather than delete what is not processed.
                IngestionLog.SessionTakeoverGaveUp(logger, clientId, received, settings.Broker.TakeoverMaxDrainTime);
                stats.SessionTakenOver(received, ended: false);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
                return new(received, connected.IsSessionPresent, Removed: false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }

        if (!client.IsConnected)
        {
            // The broker gave the client id to someone else (the silo is back, or a second survivor): it is theirs now.
            IngestionLog.SessionTakeoverInterrupted(logger, clientId, received);
            stats.SessionTakenOver(received, ended: false);
            return new(received, connected.IsSessionPresent, Removed: false);
        }

        // Ending the session: a DISCONNECT carrying session expiry 0 would do, but MQTTnet leaves a zero property out of
        // the packet (the session survived in the test). So leave normally, then connect once more with clean start,
        // which discards the (now empty, unsubscribed) session, and expiry 0, so the fresh one ends with the connection.
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        await client.ConnectAsync(builder.WithCleanStart(true).WithSessionExpiryInterval(0).Build(), cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        IngestionLog.SessionTakeoverDone(logger, clientId, received);
        stats.SessionTakenOver(received, ended: true);
        return new(received, connected.IsSessionPresent, Removed: true);
    }
}
