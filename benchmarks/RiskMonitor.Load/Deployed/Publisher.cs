using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace RiskMonitor.Load.Deployed;

/// <summary>An MQTT login the harness provisioned through <c>/api/devices</c>: user name = client id = device id.</summary>
internal sealed record DeviceLogin(string Username, string Password);

/// <summary>What the publisher process reports on its last stdout line.</summary>
internal sealed record PublisherSummary(
    long MessagesPublished, long ReadingsPublished, long PublishFailures, long Raises, long Clears, double PublishSeconds,
    long StormRaiseTicks, double StormRaisePublishSeconds, long StormClearTicks, double StormClearPublishSeconds);

/// <summary>
/// The deployed mode's publisher, in its own process (<c>--role publisher</c>) so that its CPU and memory are not the
/// server's and the server sees what a gateway fleet sends it. Connection c carries assets c, c + C, ... (one
/// gateway credential each, decision 0023), one message per asset in turn, paced to <c>--rate</c>; each message holds
/// <c>--batch</c> readings of its asset. Every reading that raises or clears the red methane alert is written to the
/// changes file with its publish time, for the harness to match against the hub, the ledger and the feed.
/// </summary>
internal static class Publisher
{
    public const string ReadyLine = "ready";

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken ct)
    {
        var logins = options.CredentialsFile is { } file
            ? JsonSerializer.Deserialize<DeviceLogin[]>(await File.ReadAllTextAsync(file, ct), LoadRuns.Json) ?? []
            : [];
        if (logins.Length > 0 && logins.Length != options.Connections)
        {
            throw new ArgumentException($"{logins.Length} logins for {options.Connections} connections");
        }

        var storm = options.StormAssets > 0
            ? new StormSchedule(Math.Min(options.StormAssets, options.Assets), TimeSpan.FromSeconds(options.StormAtSeconds), TimeSpan.FromSeconds(options.StormClearAfterSeconds))
            : StormSchedule.None;
        var state = new State(options, new ReadingPlan(options.Assets, new FlipSchedule(options.FlipRatio), storm), storm);
        var clients = new IMqttClient[options.Connections];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = new MqttClientFactory().CreateMqttClient();
            var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", options.Port).WithCleanSession()
                .WithTimeout(TimeSpan.FromSeconds(60));
            builder = logins.Length > 0
                ? builder.WithClientId(logins[i].Username).WithCredentials(logins[i].Username, logins[i].Password)
                : builder.WithClientId(string.Create(CultureInfo.InvariantCulture, $"pub-{Environment.ProcessId}-{i}"));
            var result = await clients[i].ConnectAsync(builder.Build(), ct);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"connection {i} refused: {result.ResultCode}");
            }
        }

        Console.Out.WriteLine(ReadyLine);
        await Console.Out.FlushAsync(ct);
        var clock = Stopwatch.StartNew();
        // A storm's clear may fall after --seconds: the background keeps going until it is published.
        var duration = TimeSpan.FromSeconds(options.Seconds);
        if (storm.Enabled && storm.ClearAt + TimeSpan.FromSeconds(1) > duration)
        {
            duration = storm.ClearAt + TimeSpan.FromSeconds(1);
        }

        await Task.WhenAll(clients.Select((client, i) => Task.Run(() => state.RunConnectionAsync(client, i, clients.Length, duration, ct), ct)));
        var publishSeconds = clock.Elapsed.TotalSeconds;
        foreach (var client in clients)
        {
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
            client.Dispose();
        }

        if (options.ChangesFile is { } changesFile)
        {
            await using var writer = new StreamWriter(changesFile);
            foreach (var change in state.Changes)
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{change.Asset},{change.ReadingTs},{(change.Kind == ChangeKind.Raise ? 'R' : 'C')},{change.PublishedAtTicks}"));
            }
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(state.Summary(publishSeconds), LoadRuns.Json));
        return 0;
    }

    /// <summary>Reads a changes file the publisher wrote.</summary>
    public static List<PublishedChange> ReadChanges(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(line =>
        {
            var f = line.Split(',');
            return new PublishedChange(int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
                f[2] == "R" ? ChangeKind.Raise : ChangeKind.Clear, long.Parse(f[3], CultureInfo.InvariantCulture));
        })];

    private sealed class State(LoadOptions options, ReadingPlan plan, StormSchedule storm)
    {
        private readonly string[] _topics = [.. Enumerable.Range(0, options.Assets).Select(a => $"rm/v1/{LoadRegistry.AssetId(a)}/telemetry")];
        private long _messages;
        private long _readings;
        private long _failures;
        private long _raises;
        private long _clears;
        private long _stormRaiseTicks;
        private long _stormRaiseDoneTicks;
        private long _stormClearTicks;
        private long _stormClearDoneTicks;

        public ConcurrentQueue<PublishedChange> Changes { get; } = new();

        public PublisherSummary Summary(double publishSeconds) => new(
            Interlocked.Read(ref _messages), Interlocked.Read(ref _readings), Interlocked.Read(ref _failures),
            Interlocked.Read(ref _raises), Interlocked.Read(ref _clears), Math.Round(publishSeconds, 2),
            _stormRaiseTicks, Seconds(_stormRaiseTicks, _stormRaiseDoneTicks), _stormClearTicks, Seconds(_stormClearTicks, _stormClearDoneTicks));

        private static double Seconds(long from, long to) => from == 0 ? 0 : Math.Round(TimeSpan.FromTicks(to - from).TotalSeconds, 3);

        public async Task RunConnectionAsync(IMqttClient client, int connection, int connections, TimeSpan duration, CancellationToken ct)
        {
            var owned = (options.Assets - connection + connections - 1) / connections;
            if (owned <= 0)
            {
                return;
            }

            var qos = options.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
            var messageRate = options.Rate <= 0 ? 0 : options.Rate / (double)connections / options.Batch;
            using var window = new SemaphoreSlim(options.Window);
            var stormRaised = !storm.Enabled;
            var stormCleared = !storm.Enabled;
            var started = Stopwatch.StartNew();
            long sent = 0;
            var cursor = 0;
            while (!ct.IsCancellationRequested && (started.Elapsed < duration || !stormCleared))
            {
                if (!stormRaised && started.Elapsed >= storm.At)
                {
                    await StormAsync(client, connection, connections, qos, window, red: true, ct);
                    stormRaised = true;
                }

                if (!stormCleared && started.Elapsed >= storm.ClearAt)
                {
                    await StormAsync(client, connection, connections, qos, window, red: false, ct);
                    stormCleared = true;
                }

                var due = messageRate == 0 ? sent + 1 : (long)(started.Elapsed.TotalSeconds * messageRate) + 1;
                if (sent >= due || started.Elapsed >= duration)
                {
                    await Task.Delay(1, ct);
                    continue;
                }

                while (sent < due)
                {
                    var asset = connection + (cursor * connections);
                    cursor = cursor + 1 == owned ? 0 : cursor + 1;
                    await PublishAsync(client, asset, qos, window, storm: null, ct);
                    sent++;
                }
            }

            // Wait for the window to empty: every publish acknowledged (QoS 1) or written (QoS 0).
            for (var i = 0; i < options.Window; i++)
            {
                await window.WaitAsync(CancellationToken.None);
            }
        }

        private async Task StormAsync(IMqttClient client, int connection, int connections, MqttQualityOfServiceLevel qos, SemaphoreSlim window, bool red, CancellationToken ct)
        {
            Interlocked.CompareExchange(ref red ? ref _stormRaiseTicks : ref _stormClearTicks, DateTime.UtcNow.Ticks, 0);
            foreach (var asset in storm.OwnedBy(connection, connections))
            {
                await PublishAsync(client, asset, qos, window, red, ct);
            }

            // The last connection to finish its share marks the storm's end (ticks only grow).
            var done = DateTime.UtcNow.Ticks;
            ref var doneTicks = ref red ? ref _stormRaiseDoneTicks : ref _stormClearDoneTicks;
            long seen;
            while ((seen = Interlocked.Read(ref doneTicks)) < done && Interlocked.CompareExchange(ref doneTicks, done, seen) != seen)
            {
            }
        }

        private async Task PublishAsync(IMqttClient client, int asset, MqttQualityOfServiceLevel qos, SemaphoreSlim window, bool? storm, CancellationToken ct)
        {
            // A storm reading is one per message; a background message carries --batch readings of its asset.
            var count = storm is null ? options.Batch : 1;
            var buffer = new byte[(count * 72) + 2];
            var at = 0;
            if (count > 1)
            {
                buffer[at++] = (byte)'[';
            }

            List<(long Ts, ChangeKind Kind)>? changes = null;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var i = 0; i < count; i++)
            {
                var ts = plan.NextTs(asset, now);
                var (lel, change) = storm is { } red ? plan.Storm(asset, red) : plan.Next(asset);
                if (change is { } kind)
                {
                    (changes ??= []).Add((ts, kind));
                }

                if (i > 0)
                {
                    buffer[at++] = (byte)',';
                }

                at += ReadingJson.WriteSample(buffer.AsSpan(at), ts, lel);
            }

            if (count > 1)
            {
                buffer[at++] = (byte)']';
            }

            var message = new MqttApplicationMessage
            {
                Topic = _topics[asset],
                Payload = new ReadOnlySequence<byte>(buffer, 0, at),
                QualityOfServiceLevel = qos,
            };
            await window.WaitAsync(ct);
            var publishedAt = DateTime.UtcNow.Ticks;
            _ = CompleteAsync(client.PublishAsync(message, ct), window, asset, count, changes, publishedAt);
        }

        private async Task CompleteAsync(Task<MqttClientPublishResult> publish, SemaphoreSlim window, int asset, int readings,
            List<(long Ts, ChangeKind Kind)>? changes, long publishedAt)
        {
            try
            {
                var result = await publish;
                if (result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    Interlocked.Increment(ref _messages);
                    Interlocked.Add(ref _readings, readings);
                    foreach (var (ts, kind) in changes ?? [])
                    {
                        Changes.Enqueue(new PublishedChange(asset, ts, kind, publishedAt));
                        Interlocked.Increment(ref kind == ChangeKind.Raise ? ref _raises : ref _clears);
                    }

                    return;
                }

                Interlocked.Increment(ref _failures);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                Interlocked.Increment(ref _failures);
            }
            finally
            {
                window.Release();
            }
        }
    }
}
