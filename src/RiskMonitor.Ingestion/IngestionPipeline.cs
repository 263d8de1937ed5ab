using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Vehicles;
using RiskMonitor.Ingestion.Diagnostics;
using RiskMonitor.Ingestion.Dispatch;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion;

/// <summary>
/// The thin MQTT edge: validates topic and payload, parses, counts and dead-letters what is bad, and queues what is
/// good for the asset's grain. Never throws: bad input must not stall or crash the broker.
/// </summary>
public sealed class IngestionPipeline(
    IAssetRegistry registry,
    TelemetryParser parser,
    GrainDispatcher dispatcher,
    IngestionStats stats,
    DeadLetterStore deadLetters,
    IngestionMetrics metrics,
    IOptions<MqttIngestionOptions> options,
    TimeProvider time,
    ILogger<IngestionPipeline> logger)
{
    private readonly MqttIngestionOptions _options = options.Value;

    public ValueTask AcceptAsync(string topic, ReadOnlySequence<byte> payload, string? clientId, CancellationToken cancellationToken) =>
        AcceptAsync(topic, payload, clientId, delivered: null, cancellationToken);

    /// <summary>
    /// As above; <paramref name="delivered"/> runs once the message is done with: handed to its grain, or refused and
    /// dead-lettered. A broker client acknowledges the message then, so a silo that dies before it has handed a
    /// message on leaves it with the broker, which delivers it again (QoS 1). It does not run when shutting down.
    /// </summary>
    public async ValueTask AcceptAsync(
        string topic, ReadOnlySequence<byte> payload, string? clientId, Action? delivered, CancellationToken cancellationToken)
    {
        var handedOn = false; // true once the dispatcher owns the callback
        ArgumentNullException.ThrowIfNull(topic);
        var receivedAt = time.GetUtcNow();
        stats.MessageReceived();
        // Null (and free) unless a tracer listens; its context travels with the message to the grain call.
        using var activity = IngestionMetrics.ActivitySource.StartActivity("mqtt receive", ActivityKind.Consumer);
        activity?.SetTag("messaging.system", "mqtt");
        activity?.SetTag("messaging.destination.name", topic);
        try
        {
            if (!TopicParser.TryParse(topic, out var idRange, out var channel, out var topicProblem))
            {
                Reject(topicProblem, "topic is not rm/v1/{assetId}/{telemetry|event|status|position|drill}");
                return;
            }

            if (payload.Length > _options.MaxPayloadBytes)
            {
                Reject(RejectReason.Oversized, $"{payload.Length} bytes > {_options.MaxPayloadBytes}");
                return;
            }

            if (!registry.TryGet(topic.AsSpan()[idRange], out var asset))
            {
                Reject(RejectReason.UnknownAsset, "asset is not in the registry");
                return;
            }

            switch (channel)
            {
                case Channel.Telemetry:
                    await AcceptTelemetryAsync(asset.Id, payload, cancellationToken).ConfigureAwait(false);
                    break;
                case Channel.Event:
                    await AcceptEventAsync(asset.Id, payload, cancellationToken).ConfigureAwait(false);
                    break;
                case Channel.Drill:
                    // Evaluated on the asset's drill key, never on the asset: the drill's alerts stay the drill's (decision 0042).
                    if (!DrillEnvelopeParser.TryParse(payload, out var drillId, out var content, out var inner, out var drillProblem))
                    {
                        Reject(drillProblem.Reason, drillProblem.Detail);
                    }
                    else if (content == DrillContent.Telemetry)
                    {
                        await AcceptTelemetryAsync(DrillKey.For(asset.Id, drillId), inner, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await AcceptEventAsync(DrillKey.For(asset.Id, drillId), inner, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case Channel.Status:
                    if (payload.IsEmpty)
                    {
                        return; // an empty retained message only deletes the retained status: nothing to do
                    }

                    if (StatusParser.TryParse(payload, out var online))
                    {
                        stats.StatusAccepted();
                        handedOn = true;
                        await dispatcher.EnqueueAsync(new DispatchItem(asset.Id, new DeviceStatus(online, receivedAt), activity?.Context ?? default, delivered), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        Reject(RejectReason.InvalidStatus, "status is neither online nor offline");
                    }

                    break;
                case Channel.Position:
                    if (asset.Kind != HazmatVehicle.Kind)
                    {
                        Reject(RejectReason.UnsupportedChannel, "positions are taken from hazmat vehicles only");
                    }
                    else if (PositionParser.TryParse(payload, receivedAt, _options.MaxFutureSkew, out var position, out var positionProblem))
                    {
                        stats.PositionAccepted();
                        handedOn = true; // acknowledged once its grain has it, like telemetry (cluster mode)
                        await dispatcher.EnqueueAsync(new DispatchItem(asset.Id, position!, activity?.Context ?? default, delivered), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        Reject(positionProblem.Reason, positionProblem.Detail);
                    }

                    break;
                default:
                    Reject(RejectReason.UnsupportedChannel, $"channel {channel} is not processed");
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            handedOn = true; // not done with: the broker keeps it for the next session
            throw; // the broker is shutting down
        }
        catch (Exception ex)
        {
            IngestionLog.IngestError(logger, ex, topic);
            Reject(RejectReason.InvalidJson, "unexpected error: " + ex.Message);
        }
        finally
        {
            if (!handedOn)
            {
                delivered?.Invoke();
            }
        }

        async ValueTask AcceptEventAsync(string grainKey, ReadOnlySequence<byte> body, CancellationToken ct)
        {
            if (EventParser.TryParse(body, receivedAt, _options.MaxFutureSkew, out var deviceEvent, out var eventProblem))
            {
                stats.EventAccepted();
                handedOn = true;
                await dispatcher.EnqueueAsync(new DispatchItem(grainKey, deviceEvent!, activity?.Context ?? default, delivered), ct).ConfigureAwait(false);
            }
            else
            {
                Reject(eventProblem.Reason, eventProblem.Detail);
            }
        }

        async ValueTask AcceptTelemetryAsync(string assetId, ReadOnlySequence<byte> body, CancellationToken ct)
        {
            var result = parser.Parse(body, receivedAt, _options.MaxFutureSkew);
            if (result.Problems is { } problems)
            {
                foreach (var problem in problems)
                {
                    stats.Rejected(problem.Reason);
                }

                // One dead letter per message, naming its first problem; the counters above carry every one.
                deadLetters.Add(topic, clientId, payload, problems[0].Reason, Describe(problems), receivedAt);
                IngestionLog.Rejected(logger, problems[0].Reason, topic, clientId, problems[0].Detail);
            }

            if (!result.Samples.IsDefaultOrEmpty)
            {
                stats.ReadingsAccepted(result.Samples.Length);
                var newest = result.Samples[0].Timestamp;
                foreach (var sample in result.Samples)
                {
                    newest = sample.Timestamp > newest ? sample.Timestamp : newest;
                }

                metrics.RecordLag(receivedAt - newest);
                handedOn = true;
                await dispatcher.EnqueueAsync(new DispatchItem(assetId, new TelemetryBatch(result.Samples, receivedAt), activity?.Context ?? default, delivered), ct).ConfigureAwait(false);
            }
        }

        void Reject(RejectReason reason, string detail)
        {
            stats.Rejected(reason);
            deadLetters.Add(topic, clientId, payload, reason, detail, receivedAt);
            IngestionLog.Rejected(logger, reason, topic, clientId, detail);
        }
    }

    private static string Describe(IReadOnlyList<ParseProblem> problems) =>
        problems.Count == 1
            ? problems[0].Detail
            : $"{problems.Count} problems: " + string.Join("; ", problems.Take(5).Select(p => $"{IngestionStats.ReasonName(p.Reason)}: {p.Detail}"));
}
