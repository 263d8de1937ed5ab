using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Server;
using RiskMonitor.Load.Backtest;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Load.Deployed;

/// <summary>
/// The deployed mode (docs/decisions/0027): PostgreSQL, InfluxDB and the server as run.sh starts them, a publisher
/// in its own process, faults injected on schedule, verdicts taken only from outside (InfluxDB counts, the hub, the
/// ledger and feed tables, /proc), then the same publisher against a bare MQTTnet broker as the baseline.
/// </summary>
internal static class DeployedRun
{
    public static async Task<object> RunAsync(LoadOptions options, CancellationToken ct)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var logDir = Path.GetFullPath(options.LogDir ?? Path.Combine(Path.GetTempPath(), "riskmonitor-deployed-" + stamp));
        var work = Directory.CreateTempSubdirectory("riskmonitor-deployed-run-").FullName;
        object deployed;
        try
        {
            await using (var stack = new DeployedStack(logDir))
            {
                deployed = await MeasureAsync(stack, options, work, ct);
            }

            var baseline = options.BaselineSeconds > 0 ? await BaselineAsync(options, work, logDir, ct) : null;
            var report = new { mode = "deployed", label = options.Label, at = DateTimeOffset.UtcNow, logDir, deployed, brokerBaseline = baseline };
            return report;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<object> MeasureAsync(DeployedStack stack, LoadOptions options, string work, CancellationToken ct)
    {
        Console.Error.WriteLine(options.Cluster > 0
            ? $"deployed: starting PostgreSQL (fsync on), InfluxDB, Mosquitto, Redis and {options.Cluster} silos; logs in {stack.LogDir}"
            : $"deployed: starting PostgreSQL (fsync on), InfluxDB and the server; logs in {stack.LogDir}");
        await stack.StartAsync(options, ct);
        var logins = await stack.ProvisionGatewaysAsync(options.Assets, options.Connections, ct);
        var credentials = Path.Combine(work, "credentials.json");
        await File.WriteAllTextAsync(credentials, JsonSerializer.Serialize(logins, LoadRuns.Json), ct);
        var token = await stack.SignInAsync(ct);
        var history = await DeployedBacktest.LoadHistoryAsync(stack, options, ct);
        // A wall display on every node: a change is on "the hub" once any of them has it (HubChanges.Merge).
        await using var hub = new HubRecorders([.. stack.Nodes.Select(n => new HubRecorder(n.BaseUrl, token, n.Name))]);
        await hub.StartAsync(ct);

        var serverMeters = stack.Nodes.Select(n => new ServiceCpuMeter(n.Name, () => n.Pid is > 0 and var p ? p : null, includeChildren: false)).ToList();
        ServiceCpuMeter[] meters =
        [
            .. serverMeters,
            new ServiceCpuMeter("postgres", () => stack.PostgresPid is > 0 and var p ? p : null, includeChildren: true),
            new ServiceCpuMeter("influxd", () => stack.InfluxPid, includeChildren: false),
            .. options.Cluster > 0 ? [new ServiceCpuMeter("mosquitto", () => stack.MosquittoPid, includeChildren: false)] : Array.Empty<ServiceCpuMeter>(),
        ];
        var changesFile = Path.Combine(work, "changes.csv");
        await using var publisher = PublisherProcess.Start(options, stack.MqttPort, credentials, changesFile, Path.Combine(stack.LogDir, "publisher.log"));
        await publisher.WaitReadyAsync(ct);
        var startTicks = DateTime.UtcNow.Ticks;
        var clock = Stopwatch.StartNew();
        var publisherMeter = new ServiceCpuMeter("publisher", () => publisher.Pid, includeChildren: false);
        foreach (var meter in meters.Append(publisherMeter))
        {
            meter.Start();
        }

        long peakRss = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                foreach (var meter in meters.Append(publisherMeter))
                {
                    meter.Sample();
                }

                LivePriority.PostgresBackgroundToNormal(stack.PostgresPid);
                peakRss = Math.Max(peakRss, stack.Nodes.Sum(n => n.Pid > 0 ? ProcMemory.Read(n.Pid).RssBytes ?? 0 : 0));
                try
                {
                    await Task.Delay(1000, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);
        var faults = options.Faults.Windows.Select(w => InjectAsync(stack, w, clock, ct)).ToList();
        var siloFaults = new SiloFaults(stack, options, clock, startTicks);
        faults.Add(siloFaults.RunAsync(ct));
        var progress = ProgressAsync(stack, hub, clock, sampling.Token);
        var backtest = history is null || options.BacktestAtSeconds < 0
            ? Task.FromResult<BacktestOutcome?>(null)
            : DeployedBacktest.RunAtAsync(stack, options, history, clock, ct);

        var summary = await publisher.WaitSummaryAsync(ct);
        var publishSeconds = clock.Elapsed.TotalSeconds;
        var cpuAtPublishEnd = meters.Select(m => { m.Sample(); return m.Seconds; }).ToArray();
        await Task.WhenAll(faults);
        var backtestOutcome = await backtest;
        var published = Publisher.ReadChanges(changesFile);

        // Drain: every reading counted by InfluxDB and every change on the hub and in the ledger, or the time is up. In a
        // cluster a change can be made by a later reading of its stretch (ShiftedVerdict): that accounts for it too.
        bool AllAccountedFor(List<ObservedChange> observed) =>
            ChangeVerdict.Match(published, observed).Missing == 0 || (options.Cluster > 0 && ShiftedVerdict.Match(published, observed).Lost == 0);

        var drain = Stopwatch.StartNew();
        long stored = 0;
        while (drain.Elapsed < TimeSpan.FromSeconds(options.DrainSeconds))
        {
            stored = await TryAsync(() => stack.CountStoredReadingsAsync(ct), stored);
            if (stored >= summary.ReadingsPublished && AllAccountedFor(hub.Changes(out _)))
            {
                var ledger = await TryAsync<LedgerReader.Rows?>(async () => await LedgerReader.LedgerAsync(stack.PostgresConnectionString, ct), null);
                if (ledger is not null && AllAccountedFor(ledger.Changes))
                {
                    break;
                }
            }

            await Task.Delay(2000, ct);
        }

        var drainSeconds = drain.Elapsed.TotalSeconds;
        foreach (var meter in meters)
        {
            meter.Sample();
        }

        await sampling.CancelAsync();
        await sampler;
        await progress;
        var memory = stack.Nodes.Select(n => (n.Name, Memory: n.Pid > 0 ? ProcMemory.Read(n.Pid) : (HwmBytes: (long?)null, RssBytes: (long?)null))).ToList();
        var (hwm, rss) = (memory[^1].Memory.HwmBytes, memory[^1].Memory.RssBytes);
        stored = await stack.CountStoredReadingsAsync(ct);
        var ledgerRows = await LedgerReader.LedgerAsync(stack.PostgresConnectionString, ct);
        var feedRows = await LedgerReader.FeedAsync(stack.PostgresConnectionString, ct);
        var serverLogProblems = CountLogProblems(stack.ServerLogPaths);
        var serverIngest = await TryAsync<Dictionary<string, object>?>(async () => await stack.ReadIngestStatsAsync(token, ct), null);

        // Verdicts, all from outside the server.
        var warmupEnd = startTicks + TimeSpan.FromSeconds(options.WarmupSeconds).Ticks;
        var hubChanges = hub.Changes(out var otherUpdates);
        var onHubVerdict = ChangeVerdict.Match(published, hubChanges, c => c.PublishedAtTicks >= warmupEnd, out var latencies);
        ChangeVerdict.Match(published, hubChanges, _ => true, out var allLatencies);
        ChangeVerdict.Match(published, hubChanges, c => c.Kind == ChangeKind.Raise && c.PublishedAtTicks >= warmupEnd, out var raiseLatencies);
        var ledgerVerdict = ChangeVerdict.Match(published, ledgerRows.Changes);
        var feedVerdict = ChangeVerdict.Match(published, feedRows.Changes);
        var faultLatency = options.Faults.Windows.Select(w =>
        {
            var from = startTicks + w.At.Ticks;
            ChangeVerdict.Match(published, hubChanges, c => VerdictArithmetic.Within(c.PublishedAtTicks, from, w.For), out var during);
            return new { fault = w.Name, atSeconds = w.At.TotalSeconds, forSeconds = w.For.TotalSeconds, hubLatencyDuring = LatencySummary.Of(during) };
        }).ToList();
        object? stormReport = null;
        if (options.StormAssets > 0)
        {
            var stormAssets = Math.Min(options.StormAssets, options.Assets);
            var raiseFrom = summary.StormRaiseTicks;
            var clearFrom = summary.StormClearTicks;
            ChangeVerdict.Match(published, hubChanges, c => c.Asset < stormAssets && c.Kind == ChangeKind.Raise && c.PublishedAtTicks >= raiseFrom && c.PublishedAtTicks < clearFrom, out var stormRaises);
            ChangeVerdict.Match(published, hubChanges, c => c.Asset < stormAssets && c.Kind == ChangeKind.Clear && c.PublishedAtTicks >= clearFrom, out var stormClears);
            // "Every alert on the hub within 5 s" of the storm's first publish, not of its own: the first sighting of each storm raise.
            var stormRaiseKeys = published.Where(c => c.Asset < stormAssets && c.Kind == ChangeKind.Raise && c.PublishedAtTicks >= raiseFrom && c.PublishedAtTicks < clearFrom)
                .Select(c => (c.Asset, c.ReadingTs)).ToHashSet();
            var firstSightings = hubChanges.Where(h => h.Kind == ChangeKind.Raise && stormRaiseKeys.Contains((h.Asset, h.ReadingTs)))
                .GroupBy(h => (h.Asset, h.ReadingTs)).Select(g => g.Min(h => h.ObservedAtTicks)).ToList();
            var lastRaiseOnHub = firstSightings.DefaultIfEmpty(raiseFrom).Max();
            var within5s = firstSightings.Count(t => t - raiseFrom <= TimeSpan.FromSeconds(5).Ticks);
            stormReport = new
            {
                assets = stormAssets,
                raisePublishSeconds = summary.StormRaisePublishSeconds,
                clearPublishSeconds = summary.StormClearPublishSeconds,
                raisesOnHub = stormRaises.Count,
                raisesOnHubWithin5sOfStormStart = within5s,
                clearsOnHub = stormClears.Count,
                secondsFromFirstRaisePublishToLastRaiseOnHub = Math.Round(TimeSpan.FromTicks(lastRaiseOnHub - raiseFrom).TotalSeconds, 2),
                raiseLatency = LatencySummary.Of(stormRaises),
                clearLatency = LatencySummary.Of(stormClears),
            };
        }

        var cpu = meters.ToDictionary(m => m.Name, m => Math.Round(m.Seconds, 2));
        var serverCpu = serverMeters.Sum(m => m.Seconds);
        cpu["server"] = Math.Round(serverCpu, 2);
        var serviceCpu = meters.Sum(m => m.Seconds);
        var publishEndTicks = startTicks + TimeSpan.FromSeconds(publishSeconds).Ticks;
        // Kept with the logs: what was published and what each observer saw, to explain a loss after the run.
        File.Copy(changesFile, Path.Combine(stack.LogDir, "published-changes.csv"), overwrite: true);
        await WriteChangesAsync(Path.Combine(stack.LogDir, "hub-changes.csv"), hubChanges, ct);
        await WriteChangesAsync(Path.Combine(stack.LogDir, "ledger-changes.csv"), ledgerRows.Changes, ct);
        var shiftedOnHub = ShiftedVerdict.Match(published, hubChanges);
        var shiftedInLedger = ShiftedVerdict.Match(published, ledgerRows.Changes);
        var shiftedInFeed = ShiftedVerdict.Match(published, feedRows.Changes);
        var siloFaultReport = siloFaults.Report(published, hubChanges, hub.ArrivalTicks(), publishEndTicks);
        var lost = VerdictArithmetic.ReadingsLost(summary.ReadingsPublished, stored);
        var report = new
        {
            deployment = options.Cluster > 0
                ? $"separate processes: {options.Cluster} silos (server dll, AdoNet membership/state/reminders), Mosquitto 2 (shared subscription, device accounts and ACL), Redis backplane, PostgreSQL 15 (fsync on, max_connections 100), InfluxDB 1.x, publisher"
                : "separate processes: PostgreSQL 15 (fsync on, max_connections 100), InfluxDB 1.x, server dll, publisher",
            livePriority = LivePriority.Description,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            options = new
            {
                options.Assets,
                options.Rate,
                options.Seconds,
                options.Qos,
                options.Batch,
                options.Connections,
                options.Window,
                options.FlipRatio,
                storm = options.StormAssets,
                options.StormAtSeconds,
                options.StormClearAfterSeconds,
                faults = options.Faults.Windows.Select(w => $"{w.Name} at {w.At.TotalSeconds} s for {w.For.TotalSeconds} s"),
                options.WarmupSeconds,
                options.Cluster,
                options.Faults.KillSiloAt,
                options.Faults.RollingRestartAt,
                settings = options.Settings,
            },
            coldStartSeconds = Stats.Round(stack.ColdStart.TotalSeconds, 2),
            offeredRate = options.Rate,
            achievedRate = Stats.Round(summary.ReadingsPublished / Math.Max(0.001, summary.PublishSeconds)),
            publishSeconds = summary.PublishSeconds,
            drainSeconds = Stats.Round(drainSeconds, 2),
            messagesPublished = summary.MessagesPublished,
            readingsPublished = summary.ReadingsPublished,
            publishFailures = summary.PublishFailures,
            storedReadings = stored,
            readingsLost = lost,
            changesPublished = new { raises = summary.Raises, clears = summary.Clears },
            hub = new
            {
                onHubVerdict.Expected,
                onHubVerdict.Seen,
                onHubVerdict.Missing,
                onHubVerdict.Duplicates,
                onHubVerdict.Unexpected,
                otherUpdates,
                events = hub.Count,
                connections = hub.Nodes,
                shifted = shiftedOnHub.Shifted,
                lostAfterShift = shiftedOnHub.Lost,
                largestGapMsWhilePublishing = HubChanges.LargestGapMs(hub.ArrivalTicks(), startTicks, publishEndTicks),
            },
            ledger = new
            {
                ledgerVerdict.Expected,
                ledgerVerdict.Seen,
                ledgerVerdict.Missing,
                ledgerVerdict.Duplicates,
                ledgerVerdict.Unexpected,
                alerts = ledgerRows.Alerts,
                maxChangesPerAlert = ledgerRows.MaxLinesPerAlert,
                shifted = shiftedInLedger.Shifted,
                lostAfterShift = shiftedInLedger.Lost,
            },
            feed = new { feedVerdict.Expected, feedVerdict.Seen, feedVerdict.Missing, feedVerdict.Duplicates, feedVerdict.Unexpected, shifted = shiftedInFeed.Shifted, lostAfterShift = shiftedInFeed.Lost },
            latency = LatencySummary.Of(latencies),
            raiseLatency = LatencySummary.Of(raiseLatencies),
            latencyIncludingWarmup = LatencySummary.Of(allLatencies),
            faultLatency,
            silo = siloFaultReport,
            storm = stormReport,
            backtest = DeployedBacktest.Report(history, backtestOutcome, published, hubChanges, warmupEnd),
            latencyWindow = WindowReport(options.LatencyWindow, published, hubChanges, startTicks, warmupEnd),
            zeroLoss = lost == 0 && summary.PublishFailures == 0 && onHubVerdict.Exact && ledgerVerdict.Exact && feedVerdict.Exact,
            // A kill can let a later reading of the same stretch make a change (ShiftedVerdict): no reading and no change lost.
            zeroLossAllowingShifts = lost == 0 && summary.PublishFailures == 0 && shiftedOnHub.Lost == 0 && shiftedInLedger.Lost == 0 && shiftedInFeed.Lost == 0,
            serverRss = new { hwmBytes = hwm, rssBytes = rss, peakSampledRssBytes = peakRss, perNode = memory.Select(m => new { node = m.Name, hwmBytes = m.Memory.HwmBytes, rssBytes = m.Memory.RssBytes }) },
            cpuSeconds = cpu,
            cpuSecondsAtPublishEnd = meters.Select((m, i) => (m.Name, cpuAtPublishEnd[i])).ToDictionary(x => x.Name, x => Math.Round(x.Item2, 2)),
            publisherCpuSeconds = Math.Round(publisherMeter.Seconds, 2),
            cpuSecondsPer1000Readings = new
            {
                servicesTogether = VerdictArithmetic.CpuSecondsPer1000(serviceCpu, summary.ReadingsPublished),
                server = VerdictArithmetic.CpuSecondsPer1000(serverCpu, summary.ReadingsPublished),
                postgres = VerdictArithmetic.CpuSecondsPer1000(cpu["postgres"], summary.ReadingsPublished),
                influxd = VerdictArithmetic.CpuSecondsPer1000(cpu["influxd"], summary.ReadingsPublished),
            },
            serverLogProblems,
            serverIngest,
        };
        Console.Error.WriteLine(Summary(options, summary, stored, onHubVerdict, ledgerVerdict, feedVerdict, LatencySummary.Of(latencies), hwm, cpu, serviceCpu, publishSeconds));
        return report;
    }

    private static string Summary(LoadOptions o, PublisherSummary s, long stored, ChangeVerdict hub, ChangeVerdict ledger, ChangeVerdict feed,
        LatencySummary latency, long? hwm, Dictionary<string, double> cpu, double serviceCpu, double publishSeconds) => string.Create(CultureInfo.InvariantCulture, $"""
        == deployed (separate processes, PostgreSQL fsync on) ==
          {o.Assets} assets, offered {o.Rate}/s, {o.Connections} connection(s), QoS {o.Qos}, batch {o.Batch}, flips {o.FlipRatio:P2}, storm {o.StormAssets}; published {s.ReadingsPublished} readings in {s.PublishSeconds:0.0} s ({s.ReadingsPublished / Math.Max(0.001, s.PublishSeconds):0}/s), {s.PublishFailures} failed
          InfluxDB: {stored} stored, {Math.Max(0, s.ReadingsPublished - stored)} lost
          alert changes published {s.Raises} raises + {s.Clears} clears; hub missing {hub.Missing} dup {hub.Duplicates} unexpected {hub.Unexpected}; ledger missing {ledger.Missing} dup {ledger.Duplicates}; feed missing {feed.Missing} dup {feed.Duplicates}
          publish -> hub p50/p95/p99/max {latency.P50Ms} / {latency.P95Ms} / {latency.P99Ms} / {latency.MaxMs} ms (n = {latency.Count}, after warm-up)
          server peak RSS {(hwm ?? 0) / 1e9:0.00} GB; CPU s server {cpu["server"]}, postgres {cpu["postgres"]}, influxd {cpu["influxd"]}: {VerdictArithmetic.CpuSecondsPer1000(serviceCpu, s.ReadingsPublished)} CPU-s per 1,000 readings
        """);

    /// <summary>
    /// <c>--latency-window</c>: the hub latency of the changes published in the window and of the rest. Compared with a
    /// backtest's window in a run without one, it holds the time into the run (and the load's phase) the same, which
    /// the whole run's figure does not (docs/decisions/0069).
    /// </summary>
    private static object? WindowReport(
        (int From, int Seconds)? window, IReadOnlyCollection<PublishedChange> published, List<ObservedChange> hub, long startTicks, long warmupEnd)
    {
        if (window is not { } w)
        {
            return null;
        }

        var (inside, outside) = ChangeVerdict.SplitLatency(
            published, hub, warmupEnd, startTicks + TimeSpan.FromSeconds(w.From).Ticks, startTicks + TimeSpan.FromSeconds(w.From + w.Seconds).Ticks);
        return new { fromSeconds = w.From, w.Seconds, hubLatencyInside = inside, hubLatencyOutside = outside };
    }

    private static async Task InjectAsync(DeployedStack stack, (string Name, TimeSpan At, TimeSpan For) fault, Stopwatch clock, CancellationToken ct)
    {
        var wait = fault.At - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.0}s] fault: {fault.Name} for {fault.For.TotalSeconds} s"));
        Func<Task> undo = fault.Name switch
        {
            "stop-postgres" => await Do(stack.StopPostgresAsync, stack.StartPostgresAsync),
            "freeze-postgres" => await Do(t => stack.SignalPostgresAsync(true, t), t => stack.SignalPostgresAsync(false, t)),
            "stop-influx" => await Do(stack.StopInfluxAsync, stack.StartInfluxAsync),
            _ => await Do(t => stack.SignalInfluxAsync(true, t), t => stack.SignalInfluxAsync(false, t)),
        };
        await Task.Delay(fault.For, ct);
        await undo();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.0}s] fault over: {fault.Name}"));

        async Task<Func<Task>> Do(Func<CancellationToken, Task> begin, Func<CancellationToken, Task> end)
        {
            await begin(ct);
            return () => end(CancellationToken.None);
        }
    }

    private static Task WriteChangesAsync(string path, IEnumerable<ObservedChange> changes, CancellationToken ct) =>
        File.WriteAllLinesAsync(path, changes.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Asset},{c.ReadingTs},{(c.Kind == ChangeKind.Raise ? 'R' : 'C')},{c.ObservedAtTicks}")), ct);

    private static async Task<T> TryAsync<T>(Func<Task<T>> read, T fallback)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or Npgsql.NpgsqlException or TaskCanceledException)
        {
            return fallback; // the store is down right now: ask again later
        }
    }

    private static async Task ProgressAsync(DeployedStack stack, HubRecorders hub, Stopwatch clock, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                var (_, rss) = ProcMemory.Read(stack.ServerPid);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{clock.Elapsed.TotalSeconds,6:0.0}s] hub events {hub.Count}  server RSS {(rss ?? 0) / 1e6:0} MB"));
            }
        }
        catch (OperationCanceledException)
        {
            // run over
        }
    }

    /// <summary>Warnings and errors in the server log, by first words: the explanation of a loss, never its verdict.</summary>
    private static Dictionary<string, int> CountLogProblems(IEnumerable<string> paths)
    {
        var counts = new Dictionary<string, int>();
        try
        {
            foreach (var line in paths.SelectMany(File.ReadLines))
            {
                var level = line.StartsWith("warn:", StringComparison.Ordinal) ? "warn" : line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal) ? "fail" : null;
                if (level is not null)
                {
                    var key = level + " " + line[5..].Trim();
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
        }
        catch (IOException)
        {
            // no log
        }

        return counts.OrderByDescending(c => c.Value).Take(10).ToDictionary();
    }

    /// <summary>
    /// The machine's MQTT limit with this publisher: the same process and flags, unpaced, into a bare MQTTnet broker
    /// with one plain subscriber and no pipeline (no login: the bare broker has none).
    /// </summary>
    private static async Task<object> BaselineAsync(LoadOptions options, string work, string logDir, CancellationToken ct)
    {
        var port = FreePort.Next();
        using var broker = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithDefaultEndpoint().WithDefaultEndpointPort(port)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointBoundIPV6Address(IPAddress.IPv6Loopback)
            .WithMaxPendingMessagesPerClient(10_000_000).Build());
        await broker.StartAsync();
        using var subscriber = await BaselineSubscriber.ConnectAsync(port, options.Qos, ct);
        var baselineOptions = options with { Rate = 0, Seconds = options.BaselineSeconds, FlipRatio = 0, StormAssets = 0 };
        await using var publisher = PublisherProcess.Start(baselineOptions, port, credentials: null, Path.Combine(work, "baseline-changes.csv"), Path.Combine(logDir, "baseline-publisher.log"));
        await publisher.WaitReadyAsync(ct);
        var clock = Stopwatch.StartNew();
        var summary = await publisher.WaitSummaryAsync(ct);
        while (subscriber.Received < summary.MessagesPublished && clock.Elapsed.TotalSeconds < summary.PublishSeconds + 30)
        {
            await Task.Delay(20, ct);
        }

        var deliveredSeconds = clock.Elapsed.TotalSeconds;
        await broker.StopAsync();
        return new
        {
            deployment = "bare MQTTnet broker in the harness, same publisher process and flags, unpaced",
            options = new { baselineOptions.Seconds, baselineOptions.Qos, baselineOptions.Batch, baselineOptions.Connections, baselineOptions.Window },
            messagesPublished = summary.MessagesPublished,
            readingsPublished = summary.ReadingsPublished,
            messagesReceived = subscriber.Received,
            achievedRate = Stats.Round(summary.ReadingsPublished / Math.Max(0.001, summary.PublishSeconds)),
            deliveredRate = Stats.Round(subscriber.Received * options.Batch / deliveredSeconds),
        };
    }
}
