using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain.Devices;
using RiskMonitor.Ingestion.Diagnostics;

namespace RiskMonitor.Ingestion.Dispatch;

/// <summary>
/// A parsed message on its way to its asset's grain; <paramref name="Trace"/> is the MQTT receive span, if traced, and
/// <paramref name="Delivered"/> runs once the grain has it (or it was dead-lettered), e.g. to acknowledge it to the broker.
/// </summary>
public readonly record struct DispatchItem(string AssetId, object Message, ActivityContext Trace = default, Action? Delivered = null);

/// <summary>
/// Hands parsed messages to asset grains. Messages are spread over lanes by asset, so one asset's messages arrive in
/// order while many assets are served at once; each lane drains what has queued, merges consecutive telemetry of
/// an asset into one grain call, and awaits the assets of the drain together, never one after another.
/// Lanes are bounded: when grains fall behind, the broker's handler waits, which is MQTT back-pressure, not loss.
/// </summary>
public sealed class GrainDispatcher : BackgroundService
{
    private const int MaxDrain = 512;
    private readonly Channel<DispatchItem>[] _lanes;
    private readonly IGrainFactory _grains;
    private readonly IngestionStats _stats;
    private readonly DeadLetterStore _deadLetters;
    private readonly TimeProvider _time;
    private readonly ILogger<GrainDispatcher> _logger;
    private readonly int _attempts;
    private readonly TimeSpan _retryWindow;
    private long _queued;

    public GrainDispatcher(
        IGrainFactory grains, IngestionStats stats, DeadLetterStore deadLetters, IOptions<MqttIngestionOptions> options,
        TimeProvider time, ILogger<GrainDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _stats = stats;
        _deadLetters = deadLetters;
        _time = time;
        _logger = logger;
        _attempts = options.Value.DispatchAttempts;
        _retryWindow = options.Value.DispatchRetryWindow;
        _lanes = new Channel<DispatchItem>[options.Value.DispatchLanes];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = Channel.CreateBounded<DispatchItem>(new BoundedChannelOptions(options.Value.LaneCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }
    }

    /// <summary>Messages accepted but not yet handed to a grain.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    public ValueTask EnqueueAsync(DispatchItem item, CancellationToken cancellationToken)
    {
        var lane = _lanes[(int)((uint)item.AssetId.GetHashCode() % (uint)_lanes.Length)];
        Interlocked.Increment(ref _queued);
        return lane.Writer.TryWrite(item) ? ValueTask.CompletedTask : lane.Writer.WriteAsync(item, cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking more, then let the lanes drain what they hold before the silo goes away.
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader), CancellationToken.None)));

    private async Task RunLaneAsync(ChannelReader<DispatchItem> reader)
    {
        var byAsset = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        var traces = new Dictionary<string, ActivityContext>(StringComparer.Ordinal);
        var delivered = new List<Action>();
        var sends = new List<Task>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var drained = 0;
            while (drained < MaxDrain && reader.TryRead(out var item))
            {
                drained++;
                if (!byAsset.TryGetValue(item.AssetId, out var messages))
                {
                    byAsset[item.AssetId] = messages = [];
                }

                messages.Add(item.Message);
                if (item.Delivered is { } done)
                {
                    delivered.Add(done);
                }

                if (item.Trace != default)
                {
                    traces.TryAdd(item.AssetId, item.Trace); // merged calls follow the first traced message
                }
            }

            foreach (var (assetId, messages) in byAsset)
            {
                sends.Add(SendInOrderAsync(assetId, Merge(messages), traces.GetValueOrDefault(assetId)));
            }

            await Task.WhenAll(sends).ConfigureAwait(false);
            Interlocked.Add(ref _queued, -drained);
            foreach (var done in delivered)
            {
                done();
            }

            delivered.Clear();
            sends.Clear();
            byAsset.Clear();
            traces.Clear();
        }
    }

    // Consecutive telemetry of one asset becomes one grain call; an event or status between them keeps its place.
    private static List<object> Merge(List<object> messages)
    {
        if (messages.Count == 1)
        {
            return messages;
        }

        var merged = new List<object>(messages.Count);
        foreach (var message in messages)
        {
            if (message is TelemetryBatch next && merged.Count > 0 && merged[^1] is TelemetryBatch previous)
            {
                merged[^1] = new TelemetryBatch(previous.Samples.AddRange(next.Samples), next.ReceivedAt);
            }
            else
            {
                merged.Add(message);
            }
        }

        return merged;
    }

    /// <summary>
    /// The platform's failures, worth waiting out: Orleans runtime errors (a dead silo, a rejected or timed-out
    /// message, a failed activation) and a store or network that does not answer. An error thrown by the grain's own
    /// code is not: retrying it for minutes would only hold up the other assets of the lane.
    /// </summary>
    internal static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is Orleans.Runtime.OrleansException or TimeoutException or System.Net.Sockets.SocketException or IOException ||
                ex.GetType().FullName?.StartsWith("Npgsql.", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }

    private async Task SendInOrderAsync(string assetId, List<object> messages, ActivityContext trace)
    {
        // A child of the MQTT receive span; Orleans' activity propagation carries it into the grain and beyond.
        using var activity = trace == default ? null
            : IngestionMetrics.ActivitySource.StartActivity("dispatch to grain", ActivityKind.Internal, trace);
        activity?.SetTag("rm.asset_id", assetId);
        var grain = _grains.Cached<IAssetGrain>(assetId);
        foreach (var message in messages)
        {
            var giveUpAt = _time.GetUtcNow() + _retryWindow;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await (message switch
                    {
                        TelemetryBatch batch => grain.Ingest(batch),
                        DeviceEvent deviceEvent => grain.IngestEvent(deviceEvent),
                        DeviceStatus status => grain.SetStatus(status),
                        VehiclePosition position => grain.IngestPosition(position),
                        _ => throw new InvalidOperationException($"Unexpected message {message.GetType()}"),
                    }).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (attempt < _attempts || (IsTransient(ex) && _time.GetUtcNow() < giveUpAt))
                {
                    IngestionLog.DispatchRetry(_logger, ex, assetId, attempt);
                    // 0.1 s doubling to at most 5 s: a few quick retries for a busy grain, and with more attempts
                    // (cluster mode) enough patience for membership to declare a dead silo and move its grains.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * (1 << Math.Min(attempt - 1, 6)), 5000)), _time).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Out of retries: the message is kept as a dead letter (re-serialised, since the raw bytes are
                    // long gone) and counted, never silently dropped.
                    var count = message is TelemetryBatch b ? b.Samples.Length : 1;
                    _stats.Rejected(RejectReason.DispatchFailed, count);
                    var json = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType());
                    _deadLetters.Add(Topics.For(assetId, "dispatch"), null, new(json), RejectReason.DispatchFailed, ex.Message, _time.GetUtcNow());
                    IngestionLog.DispatchFailed(_logger, ex, assetId, count);
                    break;
                }
            }
        }
    }
}
