using RiskMonitor.Load.Deployed;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Load.Tests;

public sealed class FlipScheduleTests
{
    [Fact]
    public void A_ratio_of_five_percent_flips_every_twentieth_reading_of_each_asset()
    {
        var flips = new FlipSchedule(0.05);

        Assert.Equal(20, flips.Period);
        for (var asset = 0; asset < 50; asset++)
        {
            var flipped = Enumerable.Range(0, 2000).Count(k => flips.IsFlip(asset, k));
            Assert.Equal(100, flipped);
        }
    }

    [Fact]
    public void Assets_start_at_different_phases_so_flips_do_not_line_up()
    {
        var flips = new FlipSchedule(0.05);

        var firstFlips = Enumerable.Range(0, 20).Select(asset => Enumerable.Range(0, 20).First(k => flips.IsFlip(asset, k))).ToHashSet();

        Assert.Equal(20, firstFlips.Count);
    }

    [Fact]
    public void Zero_never_flips_and_one_flips_every_reading()
    {
        Assert.DoesNotContain(Enumerable.Range(0, 1000), k => new FlipSchedule(0).IsFlip(3, k));
        Assert.All(Enumerable.Range(0, 1000), k => Assert.True(new FlipSchedule(1).IsFlip(3, k)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlipSchedule(1.5));
    }

    [Fact]
    public void Flips_alternate_raise_and_clear_and_the_value_stays_red_in_between()
    {
        var plan = new ReadingPlan(1, new FlipSchedule(0.25), StormSchedule.None);

        var readings = Enumerable.Range(0, 12).Select(_ => plan.Next(0)).ToList();

        Assert.Equal([ChangeKind.Raise, ChangeKind.Clear, ChangeKind.Raise], readings.Where(r => r.Change is not null).Select(r => r.Change!.Value));
        Assert.Equal([1, 1, 1, 60, 60, 60, 60, 1, 1, 1, 1, 60], readings.Select(r => r.Lel));
    }

    [Fact]
    public void Reading_times_are_unique_and_rising_per_asset_even_within_one_millisecond()
    {
        var plan = new ReadingPlan(2, new FlipSchedule(0), StormSchedule.None);

        Assert.Equal(1000, plan.NextTs(0, 1000));
        Assert.Equal(1001, plan.NextTs(0, 1000));
        Assert.Equal(1002, plan.NextTs(0, 999));
        Assert.Equal(1000, plan.NextTs(1, 1000));
    }
}

public sealed class StormScheduleTests
{
    [Fact]
    public void Each_connection_owns_its_share_of_the_storm_assets()
    {
        var storm = new StormSchedule(10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

        Assert.Equal([0, 3, 6, 9], storm.OwnedBy(0, 3));
        Assert.Equal([2, 5, 8], storm.OwnedBy(2, 3));
        Assert.Equal(TimeSpan.FromSeconds(40), storm.ClearAt);
        Assert.True(storm.Covers(9));
        Assert.False(storm.Covers(10));
    }

    [Fact]
    public void A_storm_asset_raises_once_stays_red_under_background_readings_and_clears_once()
    {
        // Every reading would flip if storm assets flipped: they must not.
        var plan = new ReadingPlan(2, new FlipSchedule(1), new StormSchedule(1, TimeSpan.Zero, TimeSpan.FromSeconds(30)));

        Assert.Equal((1, null), plan.Next(0));
        Assert.Equal((60, ChangeKind.Raise), plan.Storm(0, red: true));
        Assert.Equal((60, null), plan.Next(0));
        Assert.Equal((60, null), plan.Storm(0, red: true));
        Assert.Equal((1, ChangeKind.Clear), plan.Storm(0, red: false));
        Assert.Equal((1, null), plan.Next(0));
        Assert.Equal(ChangeKind.Raise, plan.Next(1).Change); // asset 1 is outside the storm and flips
    }
}

public sealed class VerdictTests
{
    private static readonly long T0 = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static PublishedChange P(int asset, long ts, ChangeKind kind, double atMs = 0) => new(asset, ts, kind, T0 + TimeSpan.FromMilliseconds(atMs).Ticks);

    private static ObservedChange O(int asset, long ts, ChangeKind kind, double atMs = 0) => new(asset, ts, kind, T0 + TimeSpan.FromMilliseconds(atMs).Ticks);

    [Fact]
    public void Counts_missing_duplicated_and_unexpected_changes_by_asset_reading_and_kind()
    {
        List<PublishedChange> published = [P(1, 100, ChangeKind.Raise), P(1, 200, ChangeKind.Clear), P(2, 100, ChangeKind.Raise)];
        List<ObservedChange> observed = [O(1, 100, ChangeKind.Raise), O(1, 100, ChangeKind.Raise), O(1, 200, ChangeKind.Raise), O(2, 100, ChangeKind.Raise)];

        var verdict = ChangeVerdict.Match(published, observed);

        Assert.Equal(new ChangeVerdict(Expected: 3, Seen: 2, Missing: 1, Duplicates: 1, Unexpected: 1), verdict);
        Assert.False(verdict.Exact);
        Assert.True(ChangeVerdict.Match(published, [O(1, 200, ChangeKind.Clear), O(2, 100, ChangeKind.Raise), O(1, 100, ChangeKind.Raise)]).Exact);
    }

    [Fact]
    public void Latency_is_taken_from_the_first_sighting_of_the_changes_asked_for()
    {
        List<PublishedChange> published = [P(1, 100, ChangeKind.Raise, atMs: 0), P(1, 200, ChangeKind.Clear, atMs: 1000)];
        List<ObservedChange> observed = [O(1, 100, ChangeKind.Raise, atMs: 40), O(1, 100, ChangeKind.Raise, atMs: 900), O(1, 200, ChangeKind.Clear, atMs: 1250)];

        ChangeVerdict.Match(published, observed, c => c.Kind == ChangeKind.Raise, out var raises);
        ChangeVerdict.Match(published, observed, _ => true, out var all);

        Assert.Equal([40.0], raises);
        Assert.Equal([40.0, 250.0], all);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 200).Select(i => (double)i));

        Assert.Equal(new LatencySummary(200, 100, 190, 198, 200), summary);
        Assert.True(double.IsNaN(LatencySummary.Of([]).P99Ms));
    }

    [Fact]
    public void Cpu_per_thousand_readings_loss_and_fault_windows()
    {
        Assert.Equal(0.14, VerdictArithmetic.CpuSecondsPer1000(42, 300_000));
        Assert.True(double.IsNaN(VerdictArithmetic.CpuSecondsPer1000(1, 0)));
        Assert.Equal(12, VerdictArithmetic.ReadingsLost(100, 88));
        Assert.Equal(0, VerdictArithmetic.ReadingsLost(100, 101));
        Assert.True(VerdictArithmetic.Within(T0 + 10, T0, TimeSpan.FromTicks(11)));
        Assert.False(VerdictArithmetic.Within(T0 + 11, T0, TimeSpan.FromTicks(11)));
        Assert.False(VerdictArithmetic.Within(T0 - 1, T0, TimeSpan.FromTicks(11)));
    }

    [Fact]
    public void Hub_updates_count_as_a_return_only_the_first_time_their_reading_is_seen()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(5000);
        HubEvent E(string name, bool active, DateTimeOffset readingTime) => new(name, "lp-0000007", HubChanges.MethaneRule, active, readingTime, T0);
        List<HubEvent> events =
        [
            E("alertRaised", true, at),
            E("alertUpdated", true, at),                 // joined an incident: same reading, not a change
            E("alertCleared", false, at.AddSeconds(1)),
            E("alertUpdated", false, at.AddSeconds(1)),  // flapping flag on a cleared alert
            E("alertUpdated", true, at.AddSeconds(2)),   // the condition returned
            E("alertUpdated", true, at.AddSeconds(2)),
            E("alertRaised", true, at.AddSeconds(3)) with { RuleId = "ch4_lel.forecast" }, // another rule's alert
        ];

        var changes = HubChanges.From(events, out var other);

        Assert.Equal(
            [(7, 5000L, ChangeKind.Raise), (7, 6000L, ChangeKind.Clear), (7, 7000L, ChangeKind.Raise)],
            changes.Select(c => (c.Asset, c.ReadingTs, c.Kind)));
        Assert.Equal(4, other);
        Assert.Equal(-1, HubChanges.AssetIndex("gp-0001"));
    }

    [Fact]
    public void Proc_stat_and_status_lines_parse_even_with_odd_command_names()
    {
        var cpu = ProcCpu.Parse("4242 (postgres: wal (writer)) S 4200 4242 4242 0 -1 4194368 100 0 0 0 157 43 9 1 20 0 1 0 900 1000 10 18446744073709551615");

        Assert.Equal(new ProcCpu(4200, 157, 43, 9, 1), cpu);
        Assert.Equal(200, cpu.OwnTicks);
        Assert.Equal(210, cpu.WithReapedChildrenTicks);
        Assert.Equal(1_048_576L * 3, ProcMemory.Parse("Name:\tdotnet\nVmHWM:\t    3072 kB\nVmRSS:\t    2048 kB\n", "VmHWM"));
        Assert.Null(ProcMemory.Parse("Name:\tdotnet\n", "VmRSS"));
    }

    [Fact]
    public void Walls_on_several_nodes_are_one_observer_a_change_on_two_of_them_is_seen_once_at_its_first_arrival()
    {
        List<ObservedChange> a = [O(1, 100, ChangeKind.Raise, atMs: 50), O(2, 100, ChangeKind.Raise, atMs: 80), O(2, 100, ChangeKind.Raise, atMs: 90)];
        List<ObservedChange> b = [O(1, 100, ChangeKind.Raise, atMs: 40), O(2, 100, ChangeKind.Raise, atMs: 85), O(3, 100, ChangeKind.Raise, atMs: 60)];

        var merged = HubChanges.Merge([a, b]);

        // 1 from b (first there), 2 twice from a (a duplicate on one wall stays a duplicate), 3 from b alone.
        Assert.Equal([O(1, 100, ChangeKind.Raise, atMs: 40), O(3, 100, ChangeKind.Raise, atMs: 60), O(2, 100, ChangeKind.Raise, atMs: 80), O(2, 100, ChangeKind.Raise, atMs: 90)], merged);
        var verdict = ChangeVerdict.Match([P(1, 100, ChangeKind.Raise), P(2, 100, ChangeKind.Raise), P(3, 100, ChangeKind.Raise)], merged);
        Assert.Equal((0L, 1L), (verdict.Missing, verdict.Duplicates));
    }

    [Fact]
    public void A_change_made_by_a_later_reading_of_the_same_stretch_is_shifted_and_one_made_by_none_is_lost()
    {
        // Asset 1: raise at 100 (its reading held back), clear at 200. Asset 2: raise at 100, nothing after it.
        List<PublishedChange> published = [P(1, 100, ChangeKind.Raise), P(1, 200, ChangeKind.Clear), P(2, 100, ChangeKind.Raise), P(3, 100, ChangeKind.Raise)];
        List<ObservedChange> observed =
        [
            O(1, 110, ChangeKind.Raise, atMs: 700), // the next red reading raised it
            O(1, 200, ChangeKind.Clear, atMs: 300),
            O(2, 100, ChangeKind.Raise, atMs: 20),
            O(3, 90, ChangeKind.Raise, atMs: 20), // before the published reading: not this change
        ];

        var verdict = ShiftedVerdict.Match(published, observed);
        var sightings = ShiftedVerdict.FirstSightings(published, observed);

        Assert.Equal(new ShiftedVerdict(MissingExactly: 2, Shifted: 1, Lost: 1), verdict);
        Assert.Equal((T0 + TimeSpan.FromMilliseconds(700).Ticks, true), sightings[P(1, 100, ChangeKind.Raise)]);
        Assert.Null(sightings[P(3, 100, ChangeKind.Raise)]);
    }

    [Fact]
    public void The_largest_gap_on_the_walls_counts_the_silence_at_both_ends_of_the_window()
    {
        long Ms(double ms) => T0 + TimeSpan.FromMilliseconds(ms).Ticks;

        Assert.Equal(400, HubChanges.LargestGapMs([Ms(100), Ms(500), Ms(700)], Ms(0), Ms(800)));
        Assert.Equal(600, HubChanges.LargestGapMs([Ms(100), Ms(200)], Ms(0), Ms(800)));
        Assert.Equal(800, HubChanges.LargestGapMs([Ms(900)], Ms(0), Ms(800)));
    }
}

public sealed class DeployedOptionsTests
{
    [Fact]
    public void Deployed_is_the_default_mode_with_one_connection_and_qos_0_unless_given()
    {
        var deployed = LoadOptions.Parse(["--flip-ratio", "0.05", "--storm", "10000", "--stop-postgres-at", "20", "--stop-postgres-for", "120"]);
        var given = LoadOptions.Parse(["--connections", "4", "--qos", "1"]);
        var inProcess = LoadOptions.Parse(["--mode", "run"]);

        Assert.Equal(("deployed", 1, 0, 0.05, 10000), (deployed.Mode, deployed.Connections, deployed.Qos, deployed.FlipRatio, deployed.StormAssets));
        Assert.Equal([("stop-postgres", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(120))], deployed.Faults.Windows);
        Assert.Equal(TimeSpan.FromSeconds(140), deployed.Faults.End);
        Assert.Equal((4, 1), (given.Connections, given.Qos));
        Assert.Equal((4, 1), (inProcess.Connections, inProcess.Qos));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--flip-ratio", "2"]));
    }

    [Fact]
    public void Influxd_runs_idle_and_autogroup_goes_off_as_run_sh_does_unless_asked_otherwise()
    {
        Assert.True(LoadOptions.Parse([]).InfluxIdle);
        Assert.False(LoadOptions.Parse(["--influx-normal"]).InfluxIdle);
        Assert.False(LoadOptions.Parse([]).KeepAutogroup);
        Assert.True(LoadOptions.Parse(["--keep-autogroup"]).KeepAutogroup);
    }

    [Fact]
    public async Task An_influxd_started_idle_runs_under_SCHED_IDLE_with_every_thread_and_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var idle = new InfluxDbProcess { IdlePriority = true };
        await using var normal = new InfluxDbProcess();
        await idle.StartAsync(ct);
        await normal.StartAsync(ct);
        await idle.CreateDatabaseAsync("probe", ct);

        Assert.Equal(["SCHED_IDLE"], ProcStat.ThreadPolicies(idle.InfluxdPid!.Value));
        Assert.Equal(["SCHED_OTHER"], ProcStat.ThreadPolicies(normal.InfluxdPid!.Value));
        // In a session of its own at autogroup nice 19 (decision 0066); the normal one shares this process's session.
        Assert.EndsWith("nice 19", File.ReadAllText($"/proc/{idle.InfluxdPid}/autogroup").Trim(), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText("/proc/self/autogroup"), File.ReadAllText($"/proc/{normal.InfluxdPid}/autogroup"));
        Assert.Empty(await idle.QueryAsync("probe", "SHOW MEASUREMENTS", ct));
    }

    [Fact]
    public void A_cluster_run_defaults_to_qos_1_and_silo_faults_need_a_cluster_and_one_at_a_time()
    {
        var kill = LoadOptions.Parse(["--cluster", "3", "--kill-silo-at", "30"]);

        Assert.Equal((3, 1, 30), (kill.Cluster, kill.Qos, kill.Faults.KillSiloAt));
        Assert.Empty(kill.Faults.Windows);
        Assert.Equal(0, LoadOptions.Parse(["--cluster", "3", "--qos", "0"]).Qos);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--kill-silo-at", "30"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--cluster", "3", "--kill-silo-at", "30", "--rolling-restart-at", "60"]));
    }
}
