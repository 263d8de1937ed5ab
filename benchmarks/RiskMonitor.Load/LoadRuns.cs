using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using MQTTnet;
using MQTTnet.Server;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Load;

/// <summary>The harness's run modes; each returns the report that becomes one JSON line.</summary>
public static class LoadRuns
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Telemetry at a set rate for a set time, then a drain wait; loss, latency, CPU and heap.</summary>
    public static async Task<object> ThroughputAsync(LoadOptions options, CancellationToken ct)
    {
        await using var server = new ServerUnderTest();
        await server.StartAsync(options, ct);
        var generator = new TelemetryGenerator(options);
        await using var observer = new AlertObserver(server.BaseUrl, server.AdminKey, generator);
        await observer.StartAsync(ct);
        var clients = await TelemetryGenerator.ConnectAsync(server.MqttPort, options.Connections, ct);
        var heapBefore = HeapSample.Take();

        var cpu0 = Stats.ProcessCpu();
        var machine0 = MachineCpu.Read();
        observer.WarmupEndsAt = Stopwatch.GetTimestamp() + (long)(options.WarmupSeconds * (double)Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        using var progress = new CancellationTokenSource();
        var progressTask = ProgressAsync(server, generator, observer, clock, progress.Token);
        await generator.RunAsync(clients, TimeSpan.FromSeconds(options.Seconds), onePass: false, ct);
        var publishSeconds = clock.Elapsed.TotalSeconds;
        var machinePublish = MachineCpu.Read();

        // Drain: every published reading accepted, handed to its grain, stored; every expected alert received.
        var drain = Stopwatch.StartNew();
        var expectedReactivations = generator.RaisesPublished - generator.FirstRaisesPublished;
        var heapPeak = 0L;
        while (drain.Elapsed < TimeSpan.FromSeconds(options.DrainSeconds))
        {
            var ingestion = server.Ingestion;
            var writer = server.Writer;
            var readingsIn = ingestion.ReadingsAccepted + ingestion.RejectedTotal >= generator.ReadingsPublished;
            var stored = server.DispatchQueued == 0 && writer.Buffered == 0 && writer.Accepted >= ingestion.ReadingsAccepted
                && writer.Written + writer.Dropped + writer.Rejected + writer.SpooledPoints >= writer.Accepted;
            var alerts = observer.Raised >= generator.FirstRaisesPublished && observer.Reactivated >= expectedReactivations
                && observer.Cleared >= generator.ClearsPublished;
            heapPeak = Math.Max(heapPeak, GC.GetGCMemoryInfo().HeapSizeBytes);
            if (readingsIn && stored && alerts)
            {
                break;
            }

            await Task.Delay(50, ct);
        }

        var drainSeconds = drain.Elapsed.TotalSeconds;
        var cpu = (Stats.ProcessCpu() - cpu0).TotalSeconds;
        var machineEnd = MachineCpu.Read();
        await progress.CancelAsync();
        await progressTask;

        var storedPoints = await server.CountStoredPointsAsync(ct);
        var final = server.Ingestion;
        var finalWriter = server.Writer;
        var activations = await server.ActivationCountAsync();
        var heapAfter = HeapSample.Take();
        foreach (var client in clients)
        {
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
            client.Dispose();
        }

        var published = generator.ReadingsPublished;
        var readingsLost = published - storedPoints;
        var alertsMissing = Math.Max(0, generator.FirstRaisesPublished - observer.Raised)
            + Math.Max(0, expectedReactivations - observer.Reactivated)
            + Math.Max(0, generator.ClearsPublished - observer.Cleared);
        return new
        {
            mode = "run",
            // Server, generator and hub client in one process, in-memory stores unless --postgres: not what run.sh starts (issue 17).
            deployment = "in-process",
            label = options.Label,
            at = DateTimeOffset.UtcNow,
            machine = Machine(),
            options = new { options.Assets, options.Rate, options.Seconds, options.Qos, options.Batch, options.Connections, options.Window, alertRate = options.EffectiveAlertRate, options.WarmupSeconds },
            coldStartSeconds = Stats.Round(server.ColdStart.TotalSeconds, 2),
            offeredRate = options.Rate,
            achievedRate = Stats.Round(published / publishSeconds),
            publishSeconds = Stats.Round(publishSeconds, 2),
            drainSeconds = Stats.Round(drainSeconds, 2),
            storedRateIncludingDrain = Stats.Round(storedPoints / (publishSeconds + drainSeconds)),
            messagesPublished = generator.MessagesPublished,
            readingsPublished = published,
            publishFailures = generator.PublishFailures,
            accepted = final.ReadingsAccepted,
            rejected = final.RejectedTotal,
            rejectedByReason = final.RejectedByReason.Where(r => r.Value > 0).ToDictionary(),
            writer = new { finalWriter.Accepted, finalWriter.Written, finalWriter.Dropped, finalWriter.Rejected, finalWriter.SpooledPoints, finalWriter.BatchesPosted, finalWriter.FailedAttempts },
            storedPoints,
            readingsLost,
            alerts = new
            {
                expectedRaised = generator.FirstRaisesPublished,
                receivedRaised = observer.Raised,
                expectedReactivated = expectedReactivations,
                receivedReactivated = observer.Reactivated,
                expectedCleared = generator.ClearsPublished,
                receivedCleared = observer.Cleared,
                unexpected = observer.Unexpected,
                otherUpdates = observer.OtherUpdates,
            },
            alertsMissing,
            latency = Stats.Latency(observer.LatenciesMs()),
            latencyIncludingWarmup = Stats.Latency(observer.AllLatenciesMs()),
            loss = readingsLost + alertsMissing,
            zeroLoss = readingsLost == 0 && alertsMissing == 0 && final.RejectedTotal == 0 && generator.PublishFailures == 0,
            cpuSecondsPer1000Readings = Stats.Round(cpu / Math.Max(1, published / 1000.0), 4),
            machineBusyPercentPublishing = MachineCpu.BusyPercent(machine0, machinePublish),
            machineBusyPercentOverall = MachineCpu.BusyPercent(machine0, machineEnd),
            activations,
            heap = new
            {
                beforeBytes = heapBefore.TotalMemoryBytes,
                afterBytes = heapAfter.TotalMemoryBytes,
                peakHeapSizeBytesDuringDrain = heapPeak,
                perActiveAssetBytes = activations > 0 ? (heapAfter.TotalMemoryBytes - heapBefore.TotalMemoryBytes) / activations : 0,
            },
            peakRssBytes = Stats.PeakRssBytes(),
        };
    }

    /// <summary>One reading per asset, as fast as the window allows; heap per activated asset after a full GC.</summary>
    public static async Task<object> MemoryAsync(LoadOptions options, CancellationToken ct)
    {
        options = options with { Rate = 0, AlertRate = 0 };
        var heapBeforeServer = HeapSample.Take();
        await using var server = new ServerUnderTest();
        await server.StartAsync(options, ct);
        var generator = new TelemetryGenerator(options);
        var clients = await TelemetryGenerator.ConnectAsync(server.MqttPort, options.Connections, ct);
        var activationsBefore = await server.ActivationCountAsync();
        var heapBefore = HeapSample.Take();

        var clock = Stopwatch.StartNew();
        await generator.RunAsync(clients, TimeSpan.MaxValue, onePass: true, ct);
        var publishSeconds = clock.Elapsed.TotalSeconds;
        var activations = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(options.DrainSeconds + publishSeconds))
        {
            var writer = server.Writer;
            if (server.DispatchQueued == 0 && writer.Buffered == 0 && writer.Written >= generator.ReadingsPublished)
            {
                activations = await server.ActivationCountAsync() - activationsBefore;
                if (activations >= options.Assets)
                {
                    break;
                }
            }

            await Task.Delay(100, ct);
        }

        var allDoneSeconds = clock.Elapsed.TotalSeconds;
        var heapAfter = HeapSample.Take();
        if (options.HoldSeconds > 0)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"holding {options.HoldSeconds} s: dotnet-gcdump collect -p {Environment.ProcessId}"));
            await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds), ct);
        }

        var storedPoints = await server.CountStoredPointsAsync(ct);
        GC.KeepAlive(generator);
        foreach (var client in clients)
        {
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
            client.Dispose();
        }

        var delta = heapAfter.TotalMemoryBytes - heapBefore.TotalMemoryBytes;
        return new
        {
            mode = "memory",
            // Server, generator and hub client in one process, in-memory stores unless --postgres: not what run.sh starts (issue 17).
            deployment = "in-process",
            label = options.Label,
            at = DateTimeOffset.UtcNow,
            machine = Machine(),
            options = new { options.Assets, options.Qos, options.Connections, options.Window, options.FillReadings },
            registryWriteSeconds = Stats.Round(server.RegistryWriteTime.TotalSeconds, 2),
            coldStartSeconds = Stats.Round(server.ColdStart.TotalSeconds, 2),
            readingsPublished = generator.ReadingsPublished,
            accepted = server.Ingestion.ReadingsAccepted,
            storedPoints,
            activations,
            publishSeconds = Stats.Round(publishSeconds, 2),
            activatedAndStoredSeconds = Stats.Round(allDoneSeconds, 2),
            heap = new
            {
                beforeServerBytes = heapBeforeServer.TotalMemoryBytes,
                readyBytes = heapBefore.TotalMemoryBytes,
                registryAndHostPerAssetBytes = (heapBefore.TotalMemoryBytes - heapBeforeServer.TotalMemoryBytes) / Math.Max(1, options.Assets),
                afterBytes = heapAfter.TotalMemoryBytes,
                gcHeapSizeAfterBytes = heapAfter.HeapSizeBytes,
                perActiveAssetBytes = activations > 0 ? delta / activations : 0,
            },
            peakRssBytes = Stats.PeakRssBytes(),
        };
    }

    /// <summary>
    /// The machine's own limit: the same publishers into a bare MQTTnet broker with one plain subscriber, no pipeline.
    /// Every server figure can then be read as a share of what MQTT alone moves here.
    /// </summary>
    public static async Task<object> BrokerBaselineAsync(LoadOptions options, CancellationToken ct)
    {
        options = options with { AlertRate = 0 };
        var port = FreePort.Next();
        using var broker = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithDefaultEndpoint().WithDefaultEndpointPort(port)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointBoundIPV6Address(IPAddress.IPv6Loopback)
            // MQTTnet drops the oldest queued message for a subscriber that falls behind (250 by default): a baseline
            // that silently lost messages would flatter the broker.
            .WithMaxPendingMessagesPerClient(10_000_000).Build());
        long ingress = 0;
        broker.InterceptingPublishAsync += _ =>
        {
            Interlocked.Increment(ref ingress);
            return Task.CompletedTask;
        };
        await broker.StartAsync();
        using var subscriber = await BaselineSubscriber.ConnectAsync(port, options.Qos, ct);

        var generator = new TelemetryGenerator(options);
        var clients = await TelemetryGenerator.ConnectAsync(port, options.Connections, ct);
        var machine0 = MachineCpu.Read();
        var cpu0 = Stats.ProcessCpu();
        var clock = Stopwatch.StartNew();
        await generator.RunAsync(clients, TimeSpan.FromSeconds(options.Seconds), onePass: false, ct);
        var publishSeconds = clock.Elapsed.TotalSeconds;
        while (subscriber.Received < generator.MessagesPublished && clock.Elapsed.TotalSeconds < publishSeconds + options.DrainSeconds)
        {
            await Task.Delay(20, ct);
        }

        var deliveredSeconds = clock.Elapsed.TotalSeconds;
        var cpu = (Stats.ProcessCpu() - cpu0).TotalSeconds;
        var machineEnd = MachineCpu.Read();
        foreach (var client in clients)
        {
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
            client.Dispose();
        }

        return new
        {
            mode = "broker",
            // Server, generator and hub client in one process, in-memory stores unless --postgres: not what run.sh starts (issue 17).
            deployment = "in-process",
            label = options.Label,
            at = DateTimeOffset.UtcNow,
            machine = Machine(),
            options = new { options.Rate, options.Seconds, options.Qos, options.Batch, options.Connections, options.Window },
            messagesPublished = generator.MessagesPublished,
            readingsPublished = generator.ReadingsPublished,
            brokerIngress = Interlocked.Read(ref ingress),
            messagesReceived = subscriber.Received,
            achievedRate = Stats.Round(generator.ReadingsPublished / publishSeconds),
            deliveredRate = Stats.Round(subscriber.Received * options.Batch / deliveredSeconds),
            cpuSecondsPer1000Readings = Stats.Round(cpu / Math.Max(1, generator.ReadingsPublished / 1000.0), 4),
            machineBusyPercent = MachineCpu.BusyPercent(machine0, machineEnd),
        };
    }

    private static object Machine() => new
    {
        cores = Environment.ProcessorCount,
        os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        serverGc = System.Runtime.GCSettings.IsServerGC,
    };

    private static async Task ProgressAsync(ServerUnderTest server, TelemetryGenerator generator, AlertObserver observer, Stopwatch clock, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                var ingestion = server.Ingestion;
                var writer = server.Writer;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{clock.Elapsed.TotalSeconds,6:0.0}s] published {generator.ReadingsPublished,10} ({generator.ReadingsPublished / clock.Elapsed.TotalSeconds,8:0}/s)  accepted {ingestion.ReadingsAccepted,10}  queued {server.DispatchQueued,6}  influx buffered {writer.Buffered,6} written {writer.Written,10}  alerts raised {observer.Raised} re-activated {observer.Reactivated} cleared {observer.Cleared}"));
            }
        }
        catch (OperationCanceledException)
        {
            // run over
        }
    }
}
