using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace RiskMonitor.Load.Deployed;

/// <summary>
/// The cluster's faults (docs/decisions/0040): silo-0 killed with SIGKILL and left dead, or every silo in turn stopped
/// with SIGTERM, started again and waited for until the membership table lists it active. Reports what walls saw around
/// them: the time until every alert change published around a kill was on a wall, and the longest silence on the
/// walls during a rolling restart.
/// </summary>
internal sealed class SiloFaults(DeployedStack stack, LoadOptions options, Stopwatch clock, long startTicks)
{
    /// <summary>Changes published this long before a kill may be in the dead silo's lanes or broker session.</summary>
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(5);

    /// <summary>Membership declares a dead silo dead in about 10 s (decision 0029) and its session is then drained: after this the cluster has settled.</summary>
    private static readonly TimeSpan SettleAfterKill = TimeSpan.FromSeconds(30);

    private readonly List<(string Node, long From, long Stopped, long Ready, long Joined)> _restarts = [];
    private long _killTicks;

    public async Task RunAsync(CancellationToken ct)
    {
        if (options.Faults.KillSiloAt >= 0)
        {
            await WaitUntilAsync(options.Faults.KillSiloAt, ct);
            Say("fault: SIGKILL to silo-0, left dead");
            _killTicks = DateTime.UtcNow.Ticks;
            await stack.Nodes[0].KillAsync();
        }

        if (options.Faults.RollingRestartAt >= 0)
        {
            await WaitUntilAsync(options.Faults.RollingRestartAt, ct);
            foreach (var node in stack.Nodes)
            {
                Say($"fault: rolling restart, SIGTERM to {node.Name}");
                var from = DateTime.UtcNow.Ticks;
                await node.StopAsync();
                var stopped = DateTime.UtcNow.Ticks;
                await node.StartAsync(ct);
                var ready = DateTime.UtcNow.Ticks;
                while (await ActiveSilosAsync(ct) < stack.Nodes.Count)
                {
                    await Task.Delay(250, ct);
                }

                _restarts.Add((node.Name, from, stopped, ready, DateTime.UtcNow.Ticks));
                Say($"{node.Name} rejoined after {TimeSpan.FromTicks(DateTime.UtcNow.Ticks - from).TotalSeconds:0.0} s");
            }
        }
    }

    /// <summary>What the walls saw around the faults; null without silo faults.</summary>
    public object? Report(IReadOnlyCollection<PublishedChange> published, IReadOnlyCollection<ObservedChange> hub, IEnumerable<long> hubArrivals, long publishEndTicks)
    {
        if (_killTicks == 0 && _restarts.Count == 0)
        {
            return null;
        }

        var sightings = ShiftedVerdict.FirstSightings(published, hub);
        double Seconds(long ticks) => Math.Round(TimeSpan.FromTicks(ticks).TotalSeconds, 2);
        object? kill = null;
        if (_killTicks > 0)
        {
            var settled = _killTicks + SettleAfterKill.Ticks;
            var around = sightings.Where(s => s.Key.PublishedAtTicks >= _killTicks - BeforeKill.Ticks && s.Key.PublishedAtTicks < settled).ToList();
            var after = sightings.Where(s => s.Key.PublishedAtTicks >= settled).ToList();
            static IEnumerable<double> Latencies(IEnumerable<KeyValuePair<PublishedChange, (long At, bool Shifted)?>> changes) =>
                changes.Where(s => s.Value is not null).Select(s => TimeSpan.FromTicks(s.Value!.Value.At - s.Key.PublishedAtTicks).TotalMilliseconds);
            kill = new
            {
                node = stack.Nodes[0].Name,
                atSeconds = Seconds(_killTicks - startTicks),
                aroundKill = new
                {
                    window = $"published from {BeforeKill.TotalSeconds} s before to {SettleAfterKill.TotalSeconds} s after the kill",
                    changes = around.Count,
                    onHub = around.Count(s => s.Value is not null),
                    shifted = around.Count(s => s.Value is { Shifted: true }),
                    lost = around.Count(s => s.Value is null),
                    secondsFromKillUntilEveryOneOnHub = around.Count > 0 && around.All(s => s.Value is not null)
                        ? Seconds(around.Max(s => s.Value!.Value.At) - _killTicks) : (double?)null,
                    latency = LatencySummary.Of(Latencies(around)),
                },
                afterSettling = new { changes = after.Count, lost = after.Count(s => s.Value is null), latency = LatencySummary.Of(Latencies(after)) },
            };
        }

        var arrivals = hubArrivals.ToList();
        object? rolling = null;
        if (_restarts.Count > 0)
        {
            rolling = new
            {
                restarts = _restarts.Select(r => new
                {
                    node = r.Node,
                    atSeconds = Seconds(r.From - startTicks),
                    stopSeconds = Seconds(r.Stopped - r.From),
                    startSeconds = Seconds(r.Ready - r.Stopped),
                    untilRejoinedSeconds = Seconds(r.Joined - r.From),
                    largestHubGapMs = HubChanges.LargestGapMs(arrivals, r.From, r.Joined),
                }),
                largestHubGapMsDuringRestarts = HubChanges.LargestGapMs(arrivals, _restarts[0].From, _restarts[^1].Joined),
                finishedBeforePublishingEnded = _restarts[^1].Joined <= publishEndTicks,
            };
        }

        return new { kill, rollingRestart = rolling };
    }

    private async Task<int> ActiveSilosAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(stack.PostgresConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = 3", connection);
        command.Parameters.AddWithValue("cluster", DeployedStack.ClusterId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private async Task WaitUntilAsync(int second, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(second) - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }
    }

    private void Say(string text) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.0}s] {text}"));
}
