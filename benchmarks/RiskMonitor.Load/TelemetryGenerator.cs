using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

namespace RiskMonitor.Load;

/// <summary>
/// Publishes gas-pipeline telemetry for assets <c>lp-…</c> over several MQTT connections at a set rate, with a known
/// alert pattern: at <see cref="LoadOptions.EffectiveAlertRate"/> per second an asset's reading carries a red methane
/// value (60.5 % LEL, which raises at once) and that asset's next reading is normal again (1.5 % LEL, which clears
/// at once). Every sample's <c>ts</c> is the wall-clock time it was published, unique and rising per asset, so an
/// alert's <c>readingTime</c> names the reading that raised it and its latency is measured per alert.
/// </summary>
internal sealed class TelemetryGenerator
{
    private const double RedLel = 60.5;
    private const double NormalLel = 1.5;

    private readonly LoadOptions _options;
    private readonly string[] _topics;
    private readonly long[] _lastTs;
    private readonly bool[] _inAlert;
    private readonly bool[] _everRaised;
    private long _messages;
    private long _readings;
    private long _failures;
    private long _raises;
    private long _firstRaises;
    private long _clears;

    public TelemetryGenerator(LoadOptions options)
    {
        _options = options;
        _topics = new string[options.Assets];
        for (var i = 0; i < _topics.Length; i++)
        {
            _topics[i] = $"rm/v1/{LoadRegistry.AssetId(i)}/telemetry";
        }

        _lastTs = new long[options.Assets];
        _inAlert = new bool[options.Assets];
        _everRaised = new bool[options.Assets];
    }

    /// <summary>Stopwatch time at publish of every reading that should raise (or re-activate) an alert, by (asset, ts).</summary>
    public ConcurrentDictionary<(int Asset, long Ts), long> RaiseSentAt { get; } = new();

    public long MessagesPublished => Interlocked.Read(ref _messages);

    public long ReadingsPublished => Interlocked.Read(ref _readings);

    public long PublishFailures => Interlocked.Read(ref _failures);

    /// <summary>Raise readings published: the first per asset should give <c>alertRaised</c>, later ones <c>alertUpdated</c>.</summary>
    public long RaisesPublished => Interlocked.Read(ref _raises);

    public long FirstRaisesPublished => Interlocked.Read(ref _firstRaises);

    public long ClearsPublished => Interlocked.Read(ref _clears);

    public static async Task<IMqttClient[]> ConnectAsync(int port, int count, CancellationToken cancellationToken)
    {
        var clients = new IMqttClient[count];
        for (var i = 0; i < count; i++)
        {
            clients[i] = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
                .WithClientId($"load-{Environment.ProcessId}-{i}").WithCleanSession().WithTimeout(TimeSpan.FromSeconds(60)).Build();
            await clients[i].ConnectAsync(options, cancellationToken);
        }

        return clients;
    }

    /// <summary>
    /// Publishes for <paramref name="duration"/> (or, with <paramref name="onePass"/>, one message per asset and stop),
    /// then waits for every publish still in flight.
    /// </summary>
    public Task RunAsync(IMqttClient[] clients, TimeSpan duration, bool onePass, CancellationToken cancellationToken) =>
        Task.WhenAll(clients.Select((client, i) => Task.Run(() => RunConnectionAsync(client, i, clients.Length, duration, onePass, cancellationToken))));

    private async Task RunConnectionAsync(IMqttClient client, int connection, int connections, TimeSpan duration, bool onePass, CancellationToken ct)
    {
        // Connection c owns assets c, c + C, c + 2C, ..., in turn, so one asset's messages always share a connection
        // and stay in order, and two messages of one asset are a whole round apart.
        var owned = (_options.Assets - connection + connections - 1) / connections;
        if (owned <= 0)
        {
            return;
        }

        var qos = _options.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        var messageRate = _options.Rate <= 0 ? 0 : _options.Rate / (double)connections / _options.Batch;
        // Each connection carries rate / C readings and raises alert-rate / C alerts, so one raise every rate / alert-rate readings.
        // Unpaced (rate 0) runs raise one alert per 500 readings.
        var raiseEvery = _options.EffectiveAlertRate <= 0 ? long.MaxValue
            : _options.Rate <= 0 ? 500
            : Math.Max(2, (long)(_options.Rate / _options.EffectiveAlertRate));
        using var window = new SemaphoreSlim(_options.Window);
        var started = Stopwatch.StartNew();
        long sent = 0;
        long readingSerial = 0;
        var cursor = 0;
        while (!ct.IsCancellationRequested)
        {
            if (onePass ? sent >= owned : started.Elapsed >= duration)
            {
                break;
            }

            var due = messageRate == 0 ? sent + 1 : (long)(started.Elapsed.TotalSeconds * messageRate) + 1;
            if (sent >= due)
            {
                await Task.Delay(1, ct);
                continue;
            }

            while (sent < due && (!onePass || sent < owned))
            {
                var asset = connection + (cursor * connections);
                cursor = cursor + 1 == owned ? 0 : cursor + 1;
                var (payload, raiseTs, isFirstRaise, clears) = BuildPayload(asset, ref readingSerial, raiseEvery);
                var message = new MqttApplicationMessage
                {
                    Topic = _topics[asset],
                    Payload = new ReadOnlySequence<byte>(payload),
                    QualityOfServiceLevel = qos,
                };
                if (raiseTs is { } ts)
                {
                    RaiseSentAt[(asset, ts)] = Stopwatch.GetTimestamp();
                }

                await window.WaitAsync(ct);
                _ = CompleteAsync(client.PublishAsync(message, ct), window, asset, raiseTs, isFirstRaise, clears);
                sent++;
            }
        }

        // Wait for the window to empty: every publish acknowledged (QoS 1) or written (QoS 0).
        for (var i = 0; i < _options.Window; i++)
        {
            await window.WaitAsync(CancellationToken.None);
        }
    }

    private async Task CompleteAsync(Task<MqttClientPublishResult> publish, SemaphoreSlim window, int asset, long? raiseTs, bool isFirstRaise, int clears)
    {
        try
        {
            var result = await publish;
            if (result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                Interlocked.Increment(ref _messages);
                Interlocked.Add(ref _readings, _options.Batch);
                Interlocked.Add(ref _clears, clears);
                if (raiseTs is not null)
                {
                    Interlocked.Increment(ref _raises);
                    if (isFirstRaise)
                    {
                        Interlocked.Increment(ref _firstRaises);
                    }
                }

                return;
            }

            Failed();
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            Failed();
        }
        finally
        {
            window.Release();
        }

        void Failed()
        {
            Interlocked.Increment(ref _failures);
            if (raiseTs is { } ts)
            {
                RaiseSentAt.TryRemove((asset, ts), out _);
            }
        }
    }

    /// <summary>
    /// <c>{"ts":…,"values":{"ch4_lel":…,"pressure_kpa":310}}</c>, or an array of <see cref="LoadOptions.Batch"/> of them.
    /// Only the owning connection touches an asset's slots, so no locking.
    /// </summary>
    private (byte[] Payload, long? RaiseTs, bool IsFirstRaise, int Clears) BuildPayload(int asset, ref long serial, long raiseEvery)
    {
        if (_options.FillReadings > 1)
        {
            return (FillPayload(asset), null, false, 0);
        }

        var batch = _options.Batch;
        var buffer = new byte[(batch * 72) + 2];
        var at = 0;
        if (batch > 1)
        {
            buffer[at++] = (byte)'[';
        }

        long? raiseTs = null;
        var isFirstRaise = false;
        var clears = 0;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < batch; i++)
        {
            var ts = Math.Max(now, _lastTs[asset] + 1);
            _lastTs[asset] = ts;
            double lel;
            if (_inAlert[asset])
            {
                lel = NormalLel;
                _inAlert[asset] = false;
                clears++;
            }
            else if (raiseTs is null && ++serial % raiseEvery == 0)
            {
                lel = RedLel;
                _inAlert[asset] = true;
                raiseTs = ts;
                isFirstRaise = !_everRaised[asset];
                _everRaised[asset] = true;
            }
            else
            {
                lel = NormalLel;
            }

            if (i > 0)
            {
                buffer[at++] = (byte)',';
            }

            at += ReadingJson.WriteSample(buffer.AsSpan(at), ts, lel);
        }

        if (batch > 1)
        {
            buffer[at++] = (byte)']';
        }

        return (buffer.AsSpan(0, at).ToArray(), raiseTs, isFirstRaise, clears);
    }

    /// <summary>
    /// <c>--fill-readings N</c>: N quiet readings of one asset in one message, one every 5 s (the shipped pipelines' interval) ending now, with
    /// noise (deterministic per asset) so that no stuck-sensor or trend rule fires: the windows fill as in service.
    /// </summary>
    private byte[] FillPayload(int asset)
    {
        var count = _options.FillReadings;
        var buffer = new byte[(count * 96) + 2];
        var random = new Random(asset);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var at = 0;
        buffer[at++] = (byte)'[';
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                buffer[at++] = (byte)',';
            }

            var ts = now - ((count - 1 - i) * 5_000L);
            at += ReadingJson.WriteSample(buffer.AsSpan(at), ts, Math.Round(1 + (0.2 * random.NextDouble()), 3), Math.Round(310 + random.NextDouble(), 2));
        }

        buffer[at++] = (byte)']';
        Interlocked.Add(ref _readings, count - 1); // CompleteAsync counts one reading per message (the batch option's)
        return buffer.AsSpan(0, at).ToArray();
    }
}
