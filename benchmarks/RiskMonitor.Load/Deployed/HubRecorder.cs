using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace RiskMonitor.Load.Deployed;

/// <summary>One alert event as the wall display received it on <c>/hubs/risk</c>.</summary>
public readonly record struct HubEvent(string Name, string AssetId, string RuleId, bool ConditionActive, DateTimeOffset ReadingTime, long ReceivedAtTicks);

/// <summary>
/// Turns hub events into alert changes. <c>alertRaised</c> and <c>alertCleared</c> are changes by definition (a
/// repeat is a duplicate). <c>alertUpdated</c> with the condition on is a change (a return) only the first time its
/// reading is seen: the same alert is pushed again with the same reading when it joins an incident or starts
/// flapping, and those pushes are not changes. Anything else, and any other rule's alert, is counted as another update.
/// </summary>
public static class HubChanges
{
    public const string MethaneRule = "ch4_lel.high";

    public static List<ObservedChange> From(IEnumerable<HubEvent> events, out long otherUpdates)
    {
        ArgumentNullException.ThrowIfNull(events);
        var changes = new List<ObservedChange>();
        var raisesSeen = new HashSet<(int, long)>();
        otherUpdates = 0;
        foreach (var e in events)
        {
            if (!string.Equals(e.RuleId, MethaneRule, StringComparison.Ordinal))
            {
                // Other rules' alerts (the methane forecast a flipping value can trip) are not the changes the publisher
                // caused; the ledger and feed readers leave them out the same way.
                otherUpdates++;
                continue;
            }

            var asset = AssetIndex(e.AssetId);
            var ts = e.ReadingTime.ToUnixTimeMilliseconds();
            switch (e.Name)
            {
                case "alertRaised":
                    raisesSeen.Add((asset, ts));
                    changes.Add(new ObservedChange(asset, ts, ChangeKind.Raise, e.ReceivedAtTicks));
                    break;
                case "alertCleared":
                    changes.Add(new ObservedChange(asset, ts, ChangeKind.Clear, e.ReceivedAtTicks));
                    break;
                case "alertUpdated" when e.ConditionActive && raisesSeen.Add((asset, ts)):
                    changes.Add(new ObservedChange(asset, ts, ChangeKind.Raise, e.ReceivedAtTicks));
                    break;
                default:
                    otherUpdates++;
                    break;
            }
        }

        return changes;
    }

    /// <summary>
    /// The changes several wall displays saw, one per node (each list from <see cref="From"/> on one connection's
    /// events), as one observer: every change is broadcast to every node's clients through the backplane, so the same
    /// change on two connections is one sighting, not a duplicate. For each key the sightings of the connection that
    /// saw it first are kept (a repeat on that connection is still a duplicate); a connection that was down while its
    /// node restarted misses changes the others saw.
    /// </summary>
    public static List<ObservedChange> Merge(IEnumerable<IReadOnlyList<ObservedChange>> perConnection)
    {
        ArgumentNullException.ThrowIfNull(perConnection);
        var first = new Dictionary<(int, long, ChangeKind), (int Connection, long At)>();
        var lists = perConnection.ToList();
        for (var c = 0; c < lists.Count; c++)
        {
            foreach (var change in lists[c])
            {
                var key = (change.Asset, change.ReadingTs, change.Kind);
                if (!first.TryGetValue(key, out var seen) || change.ObservedAtTicks < seen.At)
                {
                    first[key] = (c, change.ObservedAtTicks);
                }
            }
        }

        return [.. lists.SelectMany((list, c) => list.Where(change => first[(change.Asset, change.ReadingTs, change.Kind)].Connection == c))
            .OrderBy(change => change.ObservedAtTicks)];
    }

    /// <summary>The longest silence between two alert events any wall received within [from, to) (UTC ticks), in ms.</summary>
    public static double LargestGapMs(IEnumerable<long> arrivalTicks, long from, long to)
    {
        ArgumentNullException.ThrowIfNull(arrivalTicks);
        var previous = from;
        var largest = 0L;
        foreach (var at in arrivalTicks.Where(t => t >= from && t < to).Order())
        {
            largest = Math.Max(largest, at - previous);
            previous = at;
        }

        return Math.Round(TimeSpan.FromTicks(Math.Max(largest, to - previous)).TotalMilliseconds, 1);
    }

    /// <summary><c>lp-0000123</c> -> 123; -1 for an asset the harness did not generate.</summary>
    public static int AssetIndex(string assetId) =>
        assetId is not null && assetId.StartsWith("lp-", StringComparison.Ordinal)
        && int.TryParse(assetId.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
}

/// <summary>
/// A wall display's connection to <c>/hubs/risk</c> on one node, signed in with a token; records every alert event with
/// its arrival time. It reconnects every half second for as long as it takes, as the wall page does after a node restart.
/// </summary>
internal sealed class HubRecorder : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<HubEvent> _events = new();
    private int _reconnects;

    public HubRecorder(Uri baseUrl, string token, string node = "server")
    {
        Node = node;
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "hubs/risk"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect(new EveryHalfSecond())
            .Build();
        foreach (var name in new[] { "alertRaised", "alertUpdated", "alertCleared" })
        {
            _connection.On<ObservedAlert>(name, alert =>
                _events.Enqueue(new HubEvent(name, alert.AssetId, alert.RuleId, alert.ConditionActive, alert.ReadingTime, DateTime.UtcNow.Ticks)));
        }

        _connection.Reconnected += _ =>
        {
            Interlocked.Increment(ref _reconnects);
            return Task.CompletedTask;
        };
    }

    public string Node { get; }

    public int Count => _events.Count;

    public int Reconnects => Volatile.Read(ref _reconnects);

    public IReadOnlyCollection<HubEvent> Events => _events;

    public Task StartAsync(CancellationToken ct) => _connection.StartAsync(ct);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private sealed class EveryHalfSecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(500);
    }
}

/// <summary>The wall displays of a run, one per node, read as one observer.</summary>
internal sealed class HubRecorders(IReadOnlyList<HubRecorder> recorders) : IAsyncDisposable
{
    public int Count => recorders.Sum(r => r.Count);

    /// <summary>Per connection: its node, events received and reconnections (after a restart of its node).</summary>
    public object Nodes => recorders.Select(r => new { node = r.Node, events = r.Count, reconnects = r.Reconnects }).ToList();

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var recorder in recorders)
        {
            await recorder.StartAsync(ct);
        }
    }

    /// <summary>The alert changes on any wall (<see cref="HubChanges.Merge"/>); other updates are summed over the connections.</summary>
    public List<ObservedChange> Changes(out long otherUpdates)
    {
        var perConnection = new List<IReadOnlyList<ObservedChange>>();
        otherUpdates = 0;
        foreach (var recorder in recorders)
        {
            perConnection.Add(HubChanges.From(recorder.Events, out var other));
            otherUpdates += other;
        }

        return HubChanges.Merge(perConnection);
    }

    /// <summary>When any wall received any alert event (UTC ticks).</summary>
    public IEnumerable<long> ArrivalTicks() => recorders.SelectMany(r => r.Events.Select(e => e.ReceivedAtTicks));

    public async ValueTask DisposeAsync()
    {
        foreach (var recorder in recorders)
        {
            await recorder.DisposeAsync();
        }
    }
}
