using System.Diagnostics;
using System.Globalization;
using System.Text;
using RiskMonitor.Backtest.Worker;
using RiskMonitor.Domain;
using RiskMonitor.Server.Rules;
using RiskMonitor.Storage.Influx;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Rules;

/// <summary>
/// The backtest worker process (decision 0066) as the server runs it, against a real InfluxDB holding two assets' series:
/// what it replays, where it sits in the scheduler, and how it ends when it is told to stop, is killed, or cannot work.
/// </summary>
public sealed class BacktestWorkerTests(BacktestWorkerTests.History history) : IClassFixture<BacktestWorkerTests.History>
{
    // Red at 30 % LEL at once, gone below it at once: an episode is a run of readings >= 30.
    private const string Candidate = """
        { "kinds": { "gas_pipeline": { "thresholds": [
            { "ruleId": "ch4_lel.high", "metric": "ch4_lel", "direction": "above", "levels": { "red": 30 }, "clearRatio": 1 } ] } } }
        """;

    [Fact]
    public async Task A_worker_replays_every_assets_stored_series_below_live_work_and_finds_what_a_brute_force_count_finds()
    {
        var ct = TestContext.Current.CancellationToken;
        // A secret of the server's: the worker is not given it (decision 0067).
        Environment.SetEnvironmentVariable("RM_WORKER_TEST_SECRET", "not for the worker");
        // Two queries in flight, as the server asks by default (decision 0068): each asset is read by one of them.
        var job = history.Job(Candidate, TimeSpan.FromMilliseconds(300), chunk: 50) with { QueriesInFlight = 2 };
        await using var worker = await BacktestWorkerProcess.StartAsync(job, _ => { }, ct);
        var environment = File.ReadAllText($"/proc/{worker.ProcessId}/environ").Split('\0');
        var messages = new List<WorkerMessage>();
        string[]? policies = null;
        string[]? niceValues = null;
        string? autogroup = null;
        await foreach (var message in worker.ReadAsync(ct))
        {
            messages.Add(message);
            // Read while it works, from outside, as an operator would: every thread, those the runtime started since
            // too, which the worker's sweep lowers within 100 ms (decision 0066), so a look or two later at most.
            if (message is AssetReplayed { Index: 0 })
            {
                for (var look = 0; look < 5 && policies is not ["SCHED_IDLE"]; look++)
                {
                    await Task.Delay(look * 50, ct);
                    policies = ProcStat.ThreadPolicies(worker.ProcessId);
                }

                // Started under nice 19 (decision 0067), so the threads the runtime made before the worker lowered itself too.
                niceValues = ProcStat.ThreadNiceValues(worker.ProcessId);
                autogroup = File.ReadAllText($"/proc/{worker.ProcessId}/autogroup");
            }
        }

        var exit = await worker.StopAsync();
        var assets = messages.OfType<AssetReplayed>().OrderBy(a => a.Index).ToList();

        Assert.Equal(new WorkerStarted("SCHED_IDLE, own session, autogroup nice 19"), messages[0]);
        Assert.Equal(["SCHED_IDLE"], policies!);
        Assert.Equal(["19"], niceValues!);
        Assert.DoesNotContain(environment, v => v.StartsWith("RM_WORKER_TEST_SECRET=", StringComparison.Ordinal));
        Assert.Contains("DOTNET_gcServer=0", environment);
        Assert.Contains(environment, v => v.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.EndsWith("nice 19", autogroup!.Trim(), StringComparison.Ordinal);
        Assert.IsType<WorkerFinished>(messages[^1]);
        Assert.Equal(0, exit);
        Assert.Equal(History.Readings * History.Assets.Length, messages.OfType<BlockReplayed>().Sum(b => b.Samples));
        Assert.True(messages.OfType<QueryDone>().Count() >= History.Assets.Length);
        Assert.Equal([0, 1], assets.Select(a => a.Index));
        for (var i = 0; i < assets.Count; i++)
        {
            var runs = history.RunsAtOrAbove(History.Assets[i].Excursions, 30);
            Assert.Equal(runs, assets[i].Candidate.Select(e => (e.RaisedAt, e.ClearedAt)));
            Assert.All(assets[i].Candidate, e => Assert.Equal((History.Assets[i].Id, "ch4_lel.high", WarningLevel.Red), (e.AssetId, e.RuleId, e.PeakLevel)));
        }
    }

    [Fact]
    public async Task A_worker_whose_input_closes_stops_by_itself_and_a_killed_one_is_reported_with_its_exit_code()
    {
        var ct = TestContext.Current.CancellationToken;
        // One query per asset and ten seconds between the two: time enough to stop it, or kill it, halfway.
        var job = history.Job(Candidate, TimeSpan.FromSeconds(10), chunk: 20_000);
        await using var stopped = await BacktestWorkerProcess.StartAsync(job, _ => { }, ct);
        await using var killed = await BacktestWorkerProcess.StartAsync(job with { JobId = "bt-killed" }, _ => { }, ct);

        await FirstAssetAsync(stopped, ct);
        var clock = Stopwatch.StartNew();
        var exit = await stopped.StopAsync();
        var stoppedWithin = clock.Elapsed;
        await FirstAssetAsync(killed, ct);
        using (var process = Process.GetProcessById(killed.ProcessId))
        {
            process.Kill();
        }

        var rest = new List<WorkerMessage>();
        await foreach (var message in killed.ReadAsync(ct))
        {
            rest.Add(message);
        }

        var why = await killed.EndedWithoutFinishingAsync();

        Assert.Equal(3, exit); // its own "nobody is listening" code, not killed after the grace
        Assert.True(stoppedWithin < TimeSpan.FromSeconds(2), $"stopped after {stoppedWithin}");
        Assert.DoesNotContain(rest, m => m is WorkerFinished or AssetReplayed);
        Assert.StartsWith("The backtest worker exited with code 137 before finishing", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_given_a_document_it_cannot_parse_says_why_and_exits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await BacktestWorkerProcess.StartAsync(history.Job("{ \"kinds\": [ ", TimeSpan.Zero, chunk: 20_000), _ => { }, ct);
        var messages = new List<WorkerMessage>();
        await foreach (var message in worker.ReadAsync(ct))
        {
            messages.Add(message);
        }

        var exit = await worker.StopAsync();

        Assert.IsType<WorkerStarted>(messages[0]);
        var failed = Assert.IsType<WorkerFailed>(Assert.Single(messages.Skip(1)));
        Assert.Contains("'candidate' is not valid", failed.Error, StringComparison.Ordinal);
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task A_worker_whose_reader_fails_says_why_rather_than_that_the_other_reader_was_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        // The second reader's asset is one InfluxDB cannot be asked about; the first reader, busy with a good asset, is
        // stopped because of it. The failure reported is the second reader's.
        var job = history.Job(Candidate, TimeSpan.FromSeconds(1), chunk: 20) with { QueriesInFlight = 2 };
        job = job with { Assets = [job.Assets[0], new WorkerAsset("not an asset id", "gas_pipeline", TimeSpan.FromSeconds(5)), job.Assets[1]] };
        await using var worker = await BacktestWorkerProcess.StartAsync(job, _ => { }, ct);
        var messages = new List<WorkerMessage>();
        await foreach (var message in worker.ReadAsync(ct))
        {
            messages.Add(message);
        }

        var exit = await worker.StopAsync();

        var failed = Assert.IsType<WorkerFailed>(messages[^1]);
        Assert.Contains("Asset ids and metric names are", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(messages, m => m is WorkerFinished);
        Assert.Equal(1, exit);
    }

    [Theory]
    [InlineData(WorkerPriority.Idle, true, "/usr/bin/chrt --idle 0 /usr/bin/nice -n 19 dotnet")]
    [InlineData(WorkerPriority.Lowest, true, "/usr/bin/chrt --other 0 /usr/bin/nice -n 19 dotnet")]
    [InlineData(WorkerPriority.Normal, true, "/usr/bin/chrt --other 0 dotnet")]
    [InlineData(WorkerPriority.Idle, false, "dotnet")]
    public void A_worker_gets_its_policy_before_its_host_starts_never_a_real_time_servers_own(WorkerPriority priority, bool toolsThere, string expected)
    {
        // A server in the real-time class (RM_LIVE_PRIORITY=realtime, decision 0069) would otherwise hand that class to the worker's start.
        var command = BacktestWorkerProcess.Command(priority, "dotnet", _ => toolsThere);

        Assert.Equal(expected, string.Join(' ', command));
    }

    private static async Task FirstAssetAsync(BacktestWorkerProcess worker, CancellationToken ct)
    {
        await foreach (var message in worker.ReadAsync(ct))
        {
            if (message is AssetReplayed)
            {
                return;
            }
        }

        Assert.Fail("The worker ended before its first asset.");
    }

    /// <summary>A private InfluxDB with two gas pipelines' readings: 120 each, 5 s apart, quiet but for a few excursions.</summary>
    public sealed class History : IAsyncLifetime
    {
        public const int Readings = 120;
        private const string Database = "riskmonitor";

        public static readonly (string Id, Dictionary<int, double> Excursions)[] Assets =
        [
            ("wk-gp-1", new() { [10] = 35, [11] = 60, [30] = 31, [50] = 45, [51] = 45, [52] = 45 }),
            ("wk-gp-2", new() { [5] = 80, [119] = 33 }),
        ];

        private readonly InfluxDbProcess _influx = new();

        // Whole seconds an hour ago: InfluxDB keeps milliseconds, and so do the episodes.
        public DateTimeOffset Start { get; } = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds());

        public async ValueTask InitializeAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            await _influx.StartAsync(ct);
            await _influx.CreateDatabaseAsync(Database, ct);
            var lines = new StringBuilder();
            foreach (var (id, excursions) in Assets)
            {
                for (var i = 0; i < Readings; i++)
                {
                    // A little movement, so that nothing reads as a stuck sensor.
                    var value = excursions.GetValueOrDefault(i, 1 + (i % 3 * 0.1));
                    lines.Append(CultureInfo.InvariantCulture, $"telemetry,asset={id},kind=gas_pipeline ch4_lel={value} {At(i).ToUnixTimeMilliseconds()}\n");
                }
            }

            await _influx.WriteLinesAsync(Database, lines.ToString(), ct);
        }

        public async ValueTask DisposeAsync() => await _influx.DisposeAsync();

        public DateTimeOffset At(int reading) => Start.AddSeconds(5 * reading);

        /// <summary>Brute force: each run of readings at or above <paramref name="level"/>, from its first reading to the first below (null: none).</summary>
        public List<(DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt)> RunsAtOrAbove(Dictionary<int, double> excursions, double level)
        {
            var runs = new List<(DateTimeOffset, DateTimeOffset?)>();
            for (var i = 0; i < Readings; i++)
            {
                if (excursions.GetValueOrDefault(i) >= level)
                {
                    var first = i;
                    while (i + 1 < Readings && excursions.GetValueOrDefault(i + 1) >= level)
                    {
                        i++;
                    }

                    runs.Add((At(first), i + 1 < Readings ? At(i + 1) : null));
                }
            }

            return runs;
        }

        /// <summary>A job over both assets; <paramref name="chunk"/> readings per query, <paramref name="pause"/> after each full one and between assets.</summary>
        public WorkerJob Job(string candidate, TimeSpan pause, int chunk) => new(
            "bt-worker-test", candidate, Candidate, [.. Assets.Select(a => new WorkerAsset(a.Id, "gas_pipeline", TimeSpan.FromSeconds(5)))],
            Start.AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(1),
            new InfluxOptions { Url = _influx.Url, Database = Database }, chunk, pause, 1, WorkerPriority.Idle);
    }
}
